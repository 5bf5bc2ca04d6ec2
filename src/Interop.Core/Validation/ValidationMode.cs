namespace Interop.Core.Validation;

/// <summary>What the gateway does with validation results when a resource is written.</summary>
public enum ValidationMode
{
    /// <summary>No validation on write beyond what parsing the body already enforces.</summary>
    Off,

    /// <summary>Validate, accept the write, and report the problems as warnings.</summary>
    Warn,

    /// <summary>Validate and refuse the write when any issue is an error.</summary>
    Enforce,
}
