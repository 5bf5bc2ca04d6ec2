using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Interop.Tests.Infrastructure;

/// <summary>
/// A council's discharge-notification endpoint on 127.0.0.1 for outbox tests: answers 503 while
/// <see cref="Down"/>, else 202, and records every request it received (its
/// <c>Idempotency-Key</c>, body and the status it answered).
/// </summary>
public sealed class FakeCouncilEndpoint : IAsyncDisposable
{
    /// <summary>One request as the council saw it.</summary>
    public sealed record Delivery(string? IdempotencyKey, string Body, int Status);

    private readonly WebApplication _app;

    private FakeCouncilEndpoint(WebApplication app, string url) => (_app, Url) = (app, url);

    /// <summary>While true every notification is refused with 503 (a transient outage the outbox must ride out).</summary>
    public volatile bool Down = true;

    public ConcurrentQueue<Delivery> Requests { get; } = new();

    /// <summary>The value for <c>Adapters:Council:NotificationUrl</c>.</summary>
    public string Url { get; }

    /// <summary>Requests answered 202, i.e. notifications the council took.</summary>
    public IReadOnlyList<Delivery> Accepted => Requests.Where(r => r.Status == StatusCodes.Status202Accepted).ToList();

    public static async Task<FakeCouncilEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeCouncilEndpoint? council = null;
        app.MapPost("/notify", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var status = council!.Down ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status202Accepted;
            council.Requests.Enqueue(new Delivery(request.Headers["Idempotency-Key"].FirstOrDefault(), body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        council = new FakeCouncilEndpoint(app, app.Urls.Single() + "/notify");
        return council;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
