using Interop.Storage;
using NUnit.Framework;

namespace Interop.Tests.Infrastructure;

/// <summary>
/// Base of the HTTP-level fixtures: each derived fixture runs once per storage provider
/// (<c>[TestFixture(StorageProvider.Sqlite)]</c>, <c>[TestFixture(StorageProvider.PostgreSql)]</c>)
/// on its own fresh database.
/// </summary>
public abstract class ApiFixture(StorageProvider provider)
{
    protected StorageProvider Provider => provider;

    protected TestDatabase Database { get; private set; } = null!;

    protected GatewayFactory Factory { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Extra configuration for this fixture's gateway.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    [OneTimeSetUp]
    public async Task StartGatewayAsync()
    {
        Database = await TestDatabase.CreateAsync(provider);
        Factory = new GatewayFactory(Database, Settings);
        Client = CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopGatewayAsync()
    {
        Client?.Dispose();
        if (Factory is not null) await Factory.DisposeAsync();
        if (Database is not null) await Database.DisposeAsync();
    }

    /// <summary>The default client: the operator's own system token, allowed everything.</summary>
    protected virtual HttpClient CreateClient() => ClientWithToken(TestTokens.Administrator());

    /// <summary>A client that sends <paramref name="token"/> as its bearer token (none when null).</summary>
    protected HttpClient ClientWithToken(string? token)
    {
        var client = Factory.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A client for a caller from organisation <paramref name="org"/> with the given role and scopes.</summary>
    protected HttpClient ClientFor(string org, string role, string scope, string? patient = null, string? purpose = null) =>
        ClientWithToken(TestTokens.Create(org, role, scope, patient, purpose));

    /// <summary>Registers a participating organisation (as the operator) and returns its resource id.</summary>
    protected async Task<string> RegisterOrganizationAsync(string odsCode, string type = "hospital-trust", bool active = true)
    {
        var org = new Hl7.Fhir.Model.Organization
        {
            Active = active,
            Name = $"Test organisation {odsCode}",
            Identifier = [new Hl7.Fhir.Model.Identifier(Interop.Core.Known.KnownSystems.OdsOrganisationCode, odsCode)],
            Type = [new Hl7.Fhir.Model.CodeableConcept(Interop.Core.Known.KnownSystems.OrganisationType, type)],
        };
        var response = await Client.SendAsync(HttpMethod.Post, "/fhir/Organization", FhirHttp.JsonBody(org));
        response.EnsureSuccessStatusCode();
        return (await response.ReadAsync<Hl7.Fhir.Model.Organization>()).Id!;
    }
}
