using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;
using NUnit.Framework;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// The one check of the leak suite: nothing a caller must not learn appears anywhere in a response:
/// the status line, every header, the body, and the decoded payload of any <c>_page</c> token.
/// A forbidden value the caller itself sent (an id in the URL, a family name in a chain) is
/// checked only where it would be released (entries, their full URLs and locations, the
/// <c>Location</c> and <c>ETag</c> headers), since the self link and error messages echo the request.
/// </summary>
public static partial class LeakAssertions
{
    public static async Task<string> AssertNothingLeaksAsync(HttpResponseMessage response, LeakRequest request, IReadOnlyList<string> forbidden, string what)
    {
        var (body, problems, everything) = await FindLeaksAsync(response, request, forbidden);
        Assert.That(problems, Is.Empty, $"{what}: {request} leaked protected data.\n{everything}");
        return body;
    }

    /// <summary>The body, each forbidden value found (with where), and the whole raw response.</summary>
    public static async Task<(string Body, IReadOnlyList<string> Problems, string Raw)> FindLeaksAsync(HttpResponseMessage response, LeakRequest request, IReadOnlyList<string> forbidden)
    {
        var body = await response.Content.ReadAsStringAsync();
        var raw = new StringBuilder();
        raw.Append((int)response.StatusCode).Append(' ').AppendLine(response.ReasonPhrase);
        foreach (var header in response.Headers.Concat(response.Content.Headers))
            raw.Append(header.Key).Append(": ").AppendLine(string.Join(", ", header.Value));
        raw.AppendLine(body);
        foreach (var token in PageTokens(body)) raw.AppendLine(token);
        var everything = raw.ToString();
        var released = Released(response, body);
        var echoed = request.Text;

        var problems = new List<string>();
        foreach (var value in forbidden.Distinct())
        {
            var haystack = echoed.Contains(value, StringComparison.OrdinalIgnoreCase) ? released : everything;
            var at = haystack.IndexOf(value, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
                problems.Add($"'{value}' near: …{haystack[Math.Max(0, at - 80)..Math.Min(haystack.Length, at + value.Length + 40)]}…");
        }
        return (body, problems, everything);
    }

    /// <summary>The decoded payloads of every <c>_page=</c> search token in <paramref name="body"/>.</summary>
    private static IEnumerable<string> PageTokens(string body)
    {
        foreach (Match m in PageParameter().Matches(body))
        {
            var token = Uri.UnescapeDataString(m.Groups[1].Value);
            var dot = token.IndexOf('.');
            if (dot <= 0) continue;
            string? decoded = null;
            try
            {
                decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, dot)));
            }
            catch (FormatException)
            {
                // not one of our tokens
            }
            if (decoded is not null) yield return decoded;
        }
    }

    // What a response hands over as data, as opposed to echoing the request.
    private static string Released(HttpResponseMessage response, string body)
    {
        var text = new StringBuilder();
        foreach (var name in new[] { "Location", "Content-Location", "ETag" })
        {
            if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
                text.AppendLine(string.Join(", ", values));
        }
        if (body.Length == 0) return text.ToString();
        Resource? resource = null;
        try
        {
            resource = FhirSerialization.ParseStored(body);
        }
        catch (Exception e) when (e is FhirException or FormatException or InvalidOperationException or ArgumentException or System.Text.Json.JsonException)
        {
            return text.AppendLine(body).ToString(); // not FHIR: all of it counts
        }
        AppendReleased(resource, text);
        return text.ToString();
    }

    private static void AppendReleased(Resource resource, StringBuilder text)
    {
        switch (resource)
        {
            case Bundle bundle:
                text.AppendLine(bundle.Total?.ToString(System.Globalization.CultureInfo.InvariantCulture));
                foreach (var entry in bundle.Entry)
                {
                    text.AppendLine(entry.FullUrl).AppendLine(entry.Response?.Location).AppendLine(entry.Response?.Etag);
                    if (entry.Resource is { } inner) AppendReleased(inner, text);
                }
                break;
            case OperationOutcome:
                break; // diagnostics echo the request; anything not echoed is caught in the raw check
            default:
                text.AppendLine(FhirSerialization.ToJson(resource));
                break;
        }
    }

    [GeneratedRegex("[?&]_page=([^&\"\\s]+)")]
    private static partial Regex PageParameter();
}
