using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// HL7 v2 over MLLP on a TCP port. Each connection may send any number of framed messages; each
/// frame's text goes to the handler, whose answer (the ACK) is sent back framed, in order.
/// Oversized messages get an AR and the connection stays open; unframed input (a sender that
/// forgot MLLP) gets one framed AR and the connection is closed, since the stream cannot be
/// resynchronised reliably; idle connections are closed. See docs/adapters/hl7v2.md.
/// </summary>
public sealed class MllpListener : IAsyncDisposable
{
    private readonly MllpListenerOptions _options;
    private readonly Func<string, CancellationToken, Task<string>> _handler;
    private readonly ILogger _logger;
    private readonly Hl7v2AckBuilder _acks;
    private readonly Hl7v2Parser _parser = new();
    private readonly HashSet<Task> _connections = [];
    private readonly Lock _connectionsLock = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _stopping;
    private Task? _acceptLoop;

    /// <param name="options">Address, port, idle timeout and size limit.</param>
    /// <param name="handler">Gets one frame's text (one or more messages) and returns the ACK text to send back.</param>
    /// <param name="logger">Connection and framing events; nothing when null.</param>
    /// <param name="ackBuilder">Builds the AR/AE answers the listener sends itself.</param>
    public MllpListener(MllpListenerOptions options, Func<string, CancellationToken, Task<string>> handler,
        ILogger<MllpListener>? logger = null, Hl7v2AckBuilder? ackBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        _options = options;
        _handler = handler;
        _logger = logger ?? NullLogger<MllpListener>.Instance;
        _acks = ackBuilder ?? new Hl7v2AckBuilder();
    }

    /// <summary>The port actually bound (useful with port 0); 0 before <see cref="StartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>Binds and starts accepting connections.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_listener is not null) throw new InvalidOperationException("The listener is already started.");
        _stopping = new CancellationTokenSource();
        _listener = new TcpListener(_options.Address, _options.Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _logger.LogInformation("MLLP listener on {Address}:{Port}", _options.Address, Port);
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, closes open connections and waits for them (or for <paramref name="cancellationToken"/>).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_listener is null || _stopping is null) return;
        await _stopping.CancelAsync();
        _listener.Stop();
        Task[] pending;
        lock (_connectionsLock) pending = [.. _connections];
        try
        {
            await Task.WhenAll(pending.Append(_acceptLoop ?? Task.CompletedTask)).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Connections end by cancellation; that is the expected way out.
        }
        _listener = null;
        _stopping.Dispose();
        _stopping = null;
        _logger.LogInformation("MLLP listener on port {Port} stopped", Port);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task AcceptLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(stopping);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (stopping.IsCancellationRequested) return;
                _logger.LogWarning(exception, "MLLP accept failed");
                continue;
            }
            var connection = HandleConnectionAsync(client, stopping);
            lock (_connectionsLock) _connections.Add(connection);
            _ = connection.ContinueWith(t => { lock (_connectionsLock) _connections.Remove(t); }, TaskScheduler.Default);
        }
    }

    private async Task HandleConnectionAsync(TcpClient client, CancellationToken stopping)
    {
        await Task.Yield();
        var remote = client.Client.RemoteEndPoint?.ToString() ?? "unknown";
        _logger.LogInformation("MLLP connection from {Remote}", remote);
        using (client)
        {
            var stream = client.GetStream();
            var decoder = new MllpFrameDecoder(_options.MaxMessageBytes);
            var buffer = new byte[16 * 1024];
            try
            {
                while (!stopping.IsCancellationRequested)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    idle.CancelAfter(_options.IdleTimeout);
                    int read;
                    try
                    {
                        read = await stream.ReadAsync(buffer, idle.Token);
                    }
                    catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                    {
                        _logger.LogInformation("MLLP connection from {Remote} idle for {Timeout}; closing", remote, _options.IdleTimeout);
                        return;
                    }
                    if (read == 0) break;
                    foreach (var frame in decoder.Append(buffer.AsSpan(0, read)))
                    {
                        var keepOpen = await AnswerAsync(stream, frame, remote, stopping);
                        if (!keepOpen) return;
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
            {
                _logger.LogInformation("MLLP connection from {Remote} ended: {Reason}", remote, exception.Message);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Listener stopping.
            }
            if (decoder.DiscardedBytes > 0)
                _logger.LogWarning("MLLP connection from {Remote} discarded {Bytes} bytes outside frames", remote, decoder.DiscardedBytes);
            _logger.LogInformation("MLLP connection from {Remote} closed", remote);
        }
    }

    /// <summary>Sends the answer to one frame; false when the connection should be closed afterwards.</summary>
    private async Task<bool> AnswerAsync(NetworkStream stream, MllpFrame frame, string remote, CancellationToken stopping)
    {
        string ack;
        var keepOpen = true;
        switch (frame.Kind)
        {
            case MllpFrameKind.Message:
                var text = Hl7v2TextDecoder.Decode(frame.Payload);
                try
                {
                    ack = await _handler(text, stopping);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    _logger.LogError(exception, "MLLP handler failed for a message from {Remote}", remote);
                    ack = Reject(text, Hl7v2AckCode.AE, Hl7v2ErrorCode.ApplicationInternalError, "The message could not be processed; try again later.", rejects: false);
                }
                break;
            case MllpFrameKind.Oversize:
                _logger.LogWarning("MLLP message from {Remote} exceeds {Max} bytes; rejected", remote, _options.MaxMessageBytes);
                ack = Reject(Hl7v2TextDecoder.Decode(frame.Payload), Hl7v2AckCode.AR, Hl7v2ErrorCode.ApplicationInternalError,
                    $"Message larger than {_options.MaxMessageBytes} bytes; rejected.", rejects: true);
                break;
            default:
                _logger.LogWarning("MLLP connection from {Remote} sent an unframed message; answering AR and closing", remote);
                ack = Reject(Hl7v2TextDecoder.Decode(frame.Payload), Hl7v2AckCode.AR, Hl7v2ErrorCode.SegmentSequenceError,
                    "Message was not MLLP framed (0x0B ... 0x1C 0x0D).", rejects: true);
                keepOpen = false;
                break;
        }
        await stream.WriteAsync(MllpFraming.Frame(ack), stopping);
        await stream.FlushAsync(stopping);
        return keepOpen;
    }

    private string Reject(string text, Hl7v2AckCode code, Hl7v2ErrorCode error, string reason, bool rejects)
    {
        var problem = new Hl7v2Problem(Hl7v2Severity.Error, error, reason, Rejects: rejects);
        var parsed = _parser.Parse(text);
        return parsed.Messages.Count > 0 && parsed.Messages[0].Msh is not null
            ? _acks.Build(parsed.Messages[0], code, [problem])
            : _acks.BuildUnreadable([problem]);
    }
}
