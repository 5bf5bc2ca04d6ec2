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

    /// <summary>A client for this gateway (later stages add a bearer token here).</summary>
    protected virtual HttpClient CreateClient() => Factory.CreateClient();
}
