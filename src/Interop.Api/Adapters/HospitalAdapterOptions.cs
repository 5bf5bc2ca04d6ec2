using System.Net;

namespace Interop.Api.Adapters;

/// <summary>Settings of the hospital (HL7 v2) adapter, section <c>Adapters:Hospital</c>.</summary>
public sealed class HospitalAdapterOptions
{
    public const string SectionName = "Adapters:Hospital";

    /// <summary>TCP port for HL7 v2 over MLLP; 0 = off (unless <see cref="MllpEnabled"/> asks for a port the OS picks).</summary>
    public int MllpPort { get; set; }

    /// <summary>Address the MLLP listener binds to.</summary>
    public string MllpAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// ODS code of the registered organisation that messages arriving over MLLP act as (custodian
    /// and audit): MLLP has no token, so the connection's identity is configured. Required when listening.
    /// </summary>
    public string? MllpOrganization { get; set; }

    /// <summary>Listen even with port 0, on a port the OS picks (tests; read it from <see cref="MllpListenerService.Port"/>). Default: listen when MllpPort is set.</summary>
    public bool? MllpEnabled { get; set; }

    public bool MllpListening => MllpEnabled ?? MllpPort > 0;

    public IPAddress? MllpIPAddress => IPAddress.TryParse(MllpAddress, out var address) ? address : null;
}
