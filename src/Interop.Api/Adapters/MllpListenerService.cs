using Interop.Adapters.Hl7v2;
using Interop.Core.Fhir;
using Microsoft.Extensions.Options;

namespace Interop.Api.Adapters;

/// <summary>
/// Hosts <see cref="MllpListener"/> on <c>Adapters:Hospital:MllpPort</c> and hands each frame to
/// <see cref="Hl7v2MessageIngest"/> in its own scope, acting as the configured
/// <c>Adapters:Hospital:MllpOrganization</c> (MLLP carries no token). That organisation must be
/// registered when a message arrives; until it is, every message is answered AE.
/// </summary>
public sealed class MllpListenerService(IOptions<HospitalAdapterOptions> options, IServiceScopeFactory scopes, Hl7v2AckBuilder acks,
    ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private MllpListener? _listener;

    /// <summary>The port actually bound; 0 when MLLP is off.</summary>
    public int Port => _listener?.Port ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.MllpListening) return;
        _listener = new MllpListener(new MllpListenerOptions { Address = o.MllpIPAddress!, Port = o.MllpPort }, HandleAsync,
            loggers.CreateLogger<MllpListener>(), acks);
        await _listener.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => ShutDownAsync();

    public async ValueTask DisposeAsync() => await ShutDownAsync();

    /// <summary>Stops once: the host's stop and the container's dispose may both ask, and may overlap.</summary>
    private async Task ShutDownAsync()
    {
        var listener = Interlocked.Exchange(ref _listener, null);
        if (listener is not null) await listener.DisposeAsync();
    }

    private async Task<string> HandleAsync(string frame, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var ingest = scope.ServiceProvider.GetRequiredService<Hl7v2MessageIngest>();
        HttpContext http;
        try
        {
            http = await AdapterSystemCaller.CreateAsync(scope.ServiceProvider, options.Value.MllpOrganization!, "mllp", requireRegistered: true, ct);
        }
        catch (FhirException e)
        {
            return ingest.RefuseAll(frame, $"{HospitalAdapterOptions.SectionName}:MllpOrganization: {e.Outcome.Issue.FirstOrDefault()?.Diagnostics}");
        }
        return await ingest.HandleAsync(frame, http, ct);
    }
}
