using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Interop.Tests.Gp;

/// <summary>
/// A real HTTP practice system on 127.0.0.1 (Kestrel, port chosen by the OS). The handler gets each request with
/// its 1-based number, so a test can fail the first few and then answer.
/// </summary>
internal sealed class FakePracticeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FakePracticeServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public int RequestCount => Volatile.Read(ref _requests);

    public List<string> Paths { get; } = [];

    public static async Task<FakePracticeServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakePracticeServer(app);
        app.Run(context =>
        {
            var number = Interlocked.Increment(ref server._requests);
            lock (server.Paths) server.Paths.Add(context.Request.Path + context.Request.QueryString);
            return handler(context, number);
        });
        await app.StartAsync();
        server.BaseUrl = app.Urls.Single() + "/gp-api";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
