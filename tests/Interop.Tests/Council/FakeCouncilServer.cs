using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Interop.Tests.Council;

/// <summary>A real HTTP council endpoint on 127.0.0.1 (Kestrel, random port) that records what it receives.</summary>
internal sealed class FakeCouncilServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _flakyCalls;

    public ConcurrentQueue<(string Path, string? IdempotencyKey, string? ContentType, string Body)> Received { get; } = new();

    /// <summary>How many times <c>/flaky</c> answers 503 before it answers 202.</summary>
    public int FlakyFailures { get; set; } = 1;

    public Uri BaseUrl { get; private set; } = null!;

    private FakeCouncilServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{kind}", async (string kind, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            Received.Enqueue((kind, request.Headers["Idempotency-Key"].FirstOrDefault(), request.ContentType, body));
            return kind switch
            {
                "ok" => Results.StatusCode(202),
                "flaky" => Interlocked.Increment(ref _flakyCalls) <= FlakyFailures ? Results.StatusCode(503) : Results.StatusCode(202),
                "bad" => Results.BadRequest(),
                _ => Results.NotFound(),
            };
        });
    }

    public static async Task<FakeCouncilServer> StartAsync()
    {
        var server = new FakeCouncilServer();
        await server._app.StartAsync();
        server.BaseUrl = new Uri(server._app.Urls.Single());
        return server;
    }

    public Uri Url(string path) => new(BaseUrl, path);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
