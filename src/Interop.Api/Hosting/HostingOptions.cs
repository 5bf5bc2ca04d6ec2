using System.ComponentModel.DataAnnotations;

namespace Interop.Api.Hosting;

/// <summary>Configuration section <c>Hosting</c>: process lifetime settings.</summary>
public sealed class HostingOptions
{
    public const string SectionName = "Hosting";

    /// <summary>
    /// How long a stopping gateway waits for in-flight requests to finish and for hosted services
    /// (the audit writer's last group commit) to stop before it exits anyway. Keep it below the
    /// orchestrator's grace period (Kubernetes <c>terminationGracePeriodSeconds</c>).
    /// </summary>
    [Range(1, 3600, ErrorMessage = "Hosting:ShutdownTimeoutSeconds must be between 1 and 3600.")]
    public int ShutdownTimeoutSeconds { get; set; } = 30;
}
