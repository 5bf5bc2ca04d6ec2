using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Model;
using Interop.Core.Fhir;

namespace Interop.Tests.Infrastructure;

/// <summary>Small helpers for FHIR over HttpClient in tests.</summary>
public static class FhirHttp
{
    public const string Json = "application/fhir+json";
    public const string Xml = "application/fhir+xml";

    public static StringContent JsonBody(Resource resource) => new(FhirSerialization.ToJson(resource), Encoding.UTF8, Json);

    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, Json);

    public static StringContent XmlBody(Resource resource) => new(FhirSerialization.ToXml(resource), Encoding.UTF8, Xml);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) where T : Resource
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var format = response.Content.Headers.ContentType?.MediaType?.Contains("xml") == true ? FhirFormat.Xml : FhirFormat.Json;
        var resource = FhirSerialization.Parse(bytes, format);
        return resource as T ?? throw new InvalidOperationException($"Expected {typeof(T).Name} but got {resource.TypeName}: {Encoding.UTF8.GetString(bytes)}");
    }

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(Json));
        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    /// <summary>The detail codes (https://interop.example/CodeSystem/error) of an OperationOutcome.</summary>
    public static IReadOnlyList<string> DetailCodes(this OperationOutcome outcome) =>
        outcome.Issue.SelectMany(i => i.Details?.Coding ?? []).Select(c => c.Code).ToList();
}
