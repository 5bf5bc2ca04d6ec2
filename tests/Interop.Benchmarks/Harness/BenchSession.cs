using System.Net.Http.Headers;

namespace Interop.Benchmarks.Harness;

/// <summary>What a scenario needs: options, the running gateway, tokens and the loaded data.</summary>
public sealed class BenchSession
{
    public required BenchmarkOptions Options { get; init; }
    public required BenchTokens Tokens { get; init; }
    public required GatewayProcess Gateway { get; set; }
    public required LoadedData Data { get; init; }

    /// <summary><c>on</c> or <c>off</c>: whether the running gateway enforces consent.</summary>
    public required string Consent { get; set; }

    /// <summary>Bundles the import scenario has taken so far, so a second run imports new patients.</summary>
    public int ImportedBundles { get; set; }

    public string Provider => Options.Provider;
    public TimeSpan Warmup => TimeSpan.FromSeconds(Options.WarmupSeconds);
    public TimeSpan Duration => TimeSpan.FromSeconds(Options.DurationSeconds);

    /// <summary>An HttpClient with <paramref name="connections"/> pooled loopback connections and a bearer token.</summary>
    public HttpClient Client(string token, int connections) => CreateClient(Gateway.BaseAddress, token, connections);

    public static HttpClient CreateClient(Uri baseAddress, string? token, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }
}
