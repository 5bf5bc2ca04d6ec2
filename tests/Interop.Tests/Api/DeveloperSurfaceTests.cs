using System.Net;
using System.Text.Json;
using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Api;

/// <summary>Swagger UI and the OpenAPI document developers explore the API with.</summary>
[TestFixture(StorageProvider.Sqlite)]
public sealed class DeveloperSurfaceTests(StorageProvider provider) : ApiFixture(provider)
{
    [Test]
    public async Task Swagger_ui_and_document_describe_the_fhir_interactions_with_bearer_auth()
    {
        using var anonymous = ClientWithToken(null);
        Assert.That((await anonymous.GetAsync("/swagger/index.html")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await anonymous.GetStringAsync("/swagger/v1/swagger.json");
        using var doc = JsonDocument.Parse(json);
        var paths = doc.RootElement.GetProperty("paths");
        Assert.That(paths.TryGetProperty("/fhir/{type}/{id}", out var instance), Is.True);
        Assert.That(instance.TryGetProperty("put", out var put), Is.True);
        Assert.That(put.GetProperty("requestBody").GetProperty("content").GetProperty("application/fhir+json").GetProperty("example")
            .GetProperty("resourceType").GetString(), Is.EqualTo("Patient"));
        Assert.That(doc.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _), Is.True);
    }
}
