namespace Interop.Storage.Consent;

/// <summary>
/// The values of one request that the consent predicate compares with (<see cref="ConsentFilter"/>):
/// read through this object, not captured one by one, so that a compiled read can find every one of
/// them in the predicate and make each a parameter of the compiled query.
/// </summary>
public sealed class ConsentValues
{
    public string Organization { get; init; } = "";

    public string PurposeOfUse { get; init; } = "";

    /// <summary>The request time, as stored (<see cref="Instants.ToStored"/>).</summary>
    public long Now { get; init; }

    /// <summary>The patient whose compartment the caller is confined to, if any.</summary>
    public string? Patient { get; init; }

    /// <summary>For a read: the resource type and id asked for.</summary>
    public string Type { get; init; } = "";

    public string Id { get; init; } = "";

    public static ConsentValues Of(ReadAccess access) => new()
    {
        Organization = access.Consent?.Organization ?? "",
        PurposeOfUse = access.Consent?.PurposeOfUse ?? "",
        Now = access.Consent is { } consent ? Instants.ToStored(consent.Now) : 0,
        Patient = access.ConfinedPatient,
    };
}
