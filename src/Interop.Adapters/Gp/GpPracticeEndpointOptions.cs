namespace Interop.Adapters.Gp;

/// <summary>One practice system's endpoint (<c>Adapters:Gp:Practices:{ods}</c>).</summary>
public sealed class GpPracticeEndpointOptions
{
    /// <summary>Absolute http(s) URL; extracts are pulled from <c>{BaseUrl}/patients/{nhsNumber}/extract</c>.</summary>
    public string? BaseUrl { get; set; }
}
