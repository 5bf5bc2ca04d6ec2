using System.Security.Cryptography;
using System.Text;

namespace Interop.Adapters.Gp;

/// <summary>
/// Name-based UUIDs, so that mapping the same extract twice yields the same <c>urn:uuid:</c> fullUrls and a
/// byte-identical Bundle. RFC 9562 section 5.8 (version 8) with SHA-256, the name-based layout of its appendix B.2,
/// rather than SHA-1 version 5.
/// </summary>
internal static class DeterministicUuid
{
    public static Guid FromName(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }

    public static string Urn(string name) => "urn:uuid:" + FromName(name).ToString("D");
}
