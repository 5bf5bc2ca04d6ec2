namespace Interop.Core.Telemetry;

/// <summary>How a consent decision ended, as counted by <see cref="InteropMetrics.RecordConsentDecision"/>.</summary>
public enum ConsentDecisionOutcome
{
    /// <summary>Released under consent (or the default policy).</summary>
    Permit,

    /// <summary>Refused or withheld: patient dissent, an organisation-specific deny, a sensitive class.</summary>
    Deny,

    /// <summary>Released only because the caller broke the glass (purpose_of_use=BTG with a reason).</summary>
    BreakGlass,
}
