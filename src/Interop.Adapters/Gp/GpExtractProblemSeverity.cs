namespace Interop.Adapters.Gp;

/// <summary>An error stops the extract from being mapped; a warning does not.</summary>
public enum GpExtractProblemSeverity
{
    Error,
    Warning,
}
