namespace Interop.Adapters.Gp;

/// <summary>Why a pull from a practice system gave no extract. Partner failures are values, never exceptions.</summary>
public enum GpPullFailure
{
    None,
    /// <summary>No <c>Adapters:Gp:Practices:{ods}:BaseUrl</c> for the practice.</summary>
    PracticeNotConfigured,
    InvalidNhsNumber,
    /// <summary>Connection refused, DNS failure, connection reset.</summary>
    Unreachable,
    /// <summary>Every attempt timed out, or the whole pull ran out of time.</summary>
    Timeout,
    /// <summary>The practice failed repeatedly; calls are refused until the break is over.</summary>
    CircuitOpen,
    /// <summary>The practice answered 404: it does not hold this patient.</summary>
    PatientNotKnown,
    /// <summary>The practice answered another non-success status (after retries for 5xx).</summary>
    PartnerError,
    /// <summary>The body is not a valid extract, or is another patient's.</summary>
    InvalidBody,
}
