using System.Net;

namespace Interop.Adapters.Hl7v2;

/// <summary>Where and how <see cref="MllpListener"/> listens.</summary>
public sealed class MllpListenerOptions
{
    /// <summary>Address to bind; all interfaces by default. Tests use <see cref="IPAddress.Loopback"/>.</summary>
    public IPAddress Address { get; set; } = IPAddress.Any;

    /// <summary>TCP port (contract key <c>Adapters:Hospital:MllpPort</c>); 0 lets the OS choose, see <see cref="MllpListener.Port"/>.</summary>
    public int Port { get; set; }

    /// <summary>A connection with no bytes received for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Largest message accepted, in bytes; bigger ones get an AR and are discarded.</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;
}
