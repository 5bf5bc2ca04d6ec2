using Interop.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Interop.Tests.Infrastructure;

/// <summary>The real gateway over real HTTP (in-memory transport) on a <see cref="TestDatabase"/>.</summary>
public sealed class GatewayFactory(TestDatabase database, IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public TestDatabase Database => database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) =>
        {
            var values = new Dictionary<string, string?>
            {
                ["Storage:Provider"] = database.Provider.ToString(),
                ["Storage:ConnectionString"] = database.ConnectionString,
                ["Storage:MigrateOnStartup"] = "true",
                ["Auth:Issuer"] = TestTokens.Issuer,
                ["Auth:Audience"] = TestTokens.Audience,
                ["Auth:SigningKey"] = TestTokens.SigningKey,
                // Suites fire bursts from one organisation; rate limiting has its own tests.
                ["RateLimiting:PermitsPerSecond"] = "0",
            };
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
            config.AddInMemoryCollection(values);
        });
    }
}
