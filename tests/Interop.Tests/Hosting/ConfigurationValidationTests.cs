using Interop.Storage;
using Interop.Tests.Infrastructure;
using NUnit.Framework;
using Task = System.Threading.Tasks.Task;

namespace Interop.Tests.Hosting;

/// <summary>
/// A missing or wrong setting stops the gateway at start-up with a message naming the setting
/// (style.md, "Options"), rather than failing the first request.
/// </summary>
[TestFixture]
public sealed class ConfigurationValidationTests
{
    private TestDatabase _database = null!;

    [SetUp]
    public async Task CreateDatabaseAsync() => _database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);

    [TearDown]
    public async Task DropDatabaseAsync() => await _database.DisposeAsync();

    // Each case: the bad setting, and the words the start-up failure must contain.
    private static readonly object[] BadSettings =
    [
        new object[] { "Auth:Issuer", "", new[] { "Auth:Issuer" } },
        new object[] { "Auth:SigningKey", "too-short", new[] { "Auth:SigningKey", "32 bytes" } },
        new object[] { "Storage:Provider", "Bogus", new[] { "Storage:Provider" } },
        new object[] { "Fhir:MaxBodyBytes", "0", new[] { "MaxBodyBytes" } },
        new object[] { "Consent:DefaultPolicy", "Bogus", new[] { "Consent:DefaultPolicy" } },
        new object[] { "RateLimiting:PermitsPerSecond", "-1", new[] { "RateLimiting:PermitsPerSecond" } },
        new object[] { "RateLimiting:Burst", "-5", new[] { "RateLimiting:Burst" } },
        new object[] { "Hosting:ShutdownTimeoutSeconds", "0", new[] { "Hosting:ShutdownTimeoutSeconds" } },
        new object[] { "Search:ReindexBatchSize", "0", new[] { "Search:ReindexBatchSize" } },
        new object[] { "Search:ReindexLease", "00:00:00", new[] { "Search:ReindexLease" } },
    ];

    [TestCaseSource(nameof(BadSettings))]
    public void A_bad_setting_stops_start_up_naming_the_key(string key, string value, string[] expected)
    {
        var failure = GatewayFactory.StartupFailure(() => new GatewayFactory(_database, new Dictionary<string, string?> { [key] = value }));

        var messages = Messages(failure);
        foreach (var words in expected)
            Assert.That(messages, Does.Contain(words), $"the start-up failure should name {words}");
    }

    [Test]
    public void Good_settings_start()
    {
        using var factory = new GatewayFactory(_database, new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerSecond"] = "50",
            ["RateLimiting:Burst"] = "100",
            ["Hosting:ShutdownTimeoutSeconds"] = "10",
        });
        Assert.DoesNotThrow(() => factory.CreateClient().Dispose());
    }

    /// <summary>The messages of an exception and every exception inside it (options failures arrive wrapped).</summary>
    private static string Messages(Exception exception)
    {
        var all = new List<string>();
        void Walk(Exception e)
        {
            all.Add(e.Message);
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions) Walk(inner);
            else if (e.InnerException is not null)
                Walk(e.InnerException);
        }
        Walk(exception);
        return string.Join(Environment.NewLine, all);
    }
}
