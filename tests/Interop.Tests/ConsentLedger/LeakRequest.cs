namespace Interop.Tests.ConsentLedger;

/// <summary>One HTTP request of the leak suite: what the denied caller sends.</summary>
public sealed record LeakRequest(HttpMethod Method, string Url, string? Body = null, string? ContentType = null, IReadOnlyList<KeyValuePair<string, string>>? Headers = null)
{
    public static LeakRequest Get(string url, params KeyValuePair<string, string>[] headers) => new(HttpMethod.Get, url, Headers: headers);

    /// <summary>Everything the caller itself sent: a value found here is an echo, not a leak.</summary>
    public string Text => string.Join('\n', new[] { Method.Method, Uri.UnescapeDataString(Url), Body ?? "" }
        .Concat((Headers ?? []).Select(h => $"{h.Key}: {h.Value}")));

    public override string ToString() => $"{Method} {Url}";
}
