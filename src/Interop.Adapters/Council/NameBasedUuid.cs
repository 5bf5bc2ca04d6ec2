using System.Security.Cryptography;
using System.Text;

namespace Interop.Adapters.Council;

/// <summary>
/// RFC 9562 (formerly RFC 4122 section 4.3) version 5 UUIDs: SHA-1 of a namespace and a name, so
/// the same name always gives the same UUID. Used for bundle <c>fullUrl</c>s so that mapping the
/// same row twice gives byte-identical bundles.
/// </summary>
public static class NameBasedUuid
{
    /// <summary>Namespace for council adapter names (itself a v5 UUID of "https://interop.example/council" in the URL namespace).</summary>
    public static readonly Guid CouncilNamespace = Create(new Guid("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "https://interop.example/council");

    public static Guid Create(Guid namespaceId, string name)
    {
        Span<byte> ns = stackalloc byte[16];
        namespaceId.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.CopyTo(input);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary><c>urn:uuid:</c> form for a <c>Bundle.entry.fullUrl</c>.</summary>
    public static string Urn(string name) => "urn:uuid:" + Create(CouncilNamespace, name).ToString("D");
}
