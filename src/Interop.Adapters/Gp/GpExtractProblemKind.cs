namespace Interop.Adapters.Gp;

/// <summary>What is wrong with a GP extract at one JSON path.</summary>
public enum GpExtractProblemKind
{
    /// <summary>Not JSON, or a value of the wrong JSON type (the deserializer stops at the first of these).</summary>
    MalformedJson,
    MissingField,
    InvalidNhsNumber,
    InvalidDate,
    /// <summary>A coded value (status, severity, sex, consent code...) the adapter does not know.</summary>
    UnknownValue,
    InvalidValue,
    /// <summary>A <c>linkedProblem</c> or consultation item names a guid that is not in the extract.</summary>
    UnknownReference,
    DuplicateGuid,
    /// <summary>Warning: NHS number status is not <c>01</c> (verified), so matching on it is less safe.</summary>
    UnverifiedNhsNumber,
}
