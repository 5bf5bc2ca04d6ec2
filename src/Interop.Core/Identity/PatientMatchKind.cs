namespace Interop.Core.Identity;

/// <summary>What <see cref="PatientMatchRule"/> decided for an incoming Patient (docs/adapters, "Matching a person across organisations").</summary>
public enum PatientMatchKind
{
    /// <summary>No stored Patient has the NHS number: a new Patient is created, keyed on it.</summary>
    New,

    /// <summary>Both sides verified (status 01) and exactly one stored Patient is: the records are one person.</summary>
    Merge,

    /// <summary>A stored Patient already carries the sender's own identifier (MRN, GP local id, council person id): the sender's record.</summary>
    SameSourceRecord,

    /// <summary>A stored Patient has the NHS number but one side is unverified: a separate Patient for the sender, and a Flag.</summary>
    KeptApart,

    /// <summary>As <see cref="KeptApart"/>, but the record has no identifier of the sender's own to keep it apart by: refused.</summary>
    Refused,
}
