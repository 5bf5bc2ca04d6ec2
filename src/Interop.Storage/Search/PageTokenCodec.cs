using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Buffers.Text;

namespace Interop.Storage.Search;

/// <summary>Where the next search page starts: the snapshot bound, the last row's sort key values and row id.</summary>
public sealed record PageState(long Snapshot, long LastRowId, IReadOnlyList<object> Keys);

/// <summary>
/// Encodes <see cref="PageState"/> as the opaque <c>_page</c> token: base64url JSON plus an
/// HMAC-SHA256 over the payload and a binding string (the caller and the query), so a client can
/// neither forge a position nor use someone else's page link.
/// </summary>
public sealed class PageTokenCodec(byte[] key)
{
    public string Encode(PageState state, string binding)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload
        {
            S = state.Snapshot,
            I = state.LastRowId,
            K = state.Keys.Select(EncodeKey).ToArray(),
        });
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Mac(payload, binding));
    }

    /// <summary>The state, or null when the token is malformed, forged, or was issued to another caller or query.</summary>
    public PageState? Decode(string token, string binding)
    {
        try
        {
            var dot = token.IndexOf('.');
            if (dot <= 0) return null;
            var payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            var mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            if (!CryptographicOperations.FixedTimeEquals(mac, Mac(payload, binding))) return null;
            var p = JsonSerializer.Deserialize<Payload>(payload);
            if (p?.K is null) return null;
            return new PageState(p.S, p.I, p.K.Select(DecodeKey).ToArray());
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private byte[] Mac(byte[] payload, string binding)
    {
        var bound = Encoding.UTF8.GetBytes(binding);
        var input = new byte[payload.Length + 1 + bound.Length];
        payload.CopyTo(input, 0);
        bound.CopyTo(input, payload.Length + 1);
        return HMACSHA256.HashData(key, input);
    }

    private static string EncodeKey(object value) => value switch
    {
        string s => "s:" + s,
        int i => "i:" + i.ToString(CultureInfo.InvariantCulture),
        long l => "l:" + l.ToString(CultureInfo.InvariantCulture),
        decimal d => "d:" + d.ToString(CultureInfo.InvariantCulture),
        double d => "d:" + ((decimal)d).ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"Unsupported sort key type {value.GetType().Name}."),
    };

    private static object DecodeKey(string text) => text[..2] switch
    {
        "s:" => text[2..],
        "i:" => int.Parse(text[2..], CultureInfo.InvariantCulture),
        "l:" => long.Parse(text[2..], CultureInfo.InvariantCulture),
        "d:" => decimal.Parse(text[2..], CultureInfo.InvariantCulture),
        _ => throw new FormatException("Unknown sort key."),
    };

    private sealed class Payload
    {
        public long S { get; set; }
        public long I { get; set; }
        public string[]? K { get; set; }
    }
}
