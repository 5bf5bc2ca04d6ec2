using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Interop.Adapters.Hl7v2;
using Interop.Benchmarks.Harness;
using Interop.Benchmarks.Reporting;
using Interop.Core.Synthetic;

namespace Interop.Benchmarks.Scenarios;

/// <summary>
/// ADT messages from <see cref="SyntheticHl7v2Generator"/> sent over MLLP to the port the gateway
/// was given as Adapters:Hospital:MllpPort, one persistent connection per worker, each message
/// waiting for its ACK (as an integration engine does). "not available" when nothing listens there.
/// </summary>
public static class Hl7v2Scenario
{
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchSession session, CancellationToken ct)
    {
        var port = session.Gateway.MllpPort;
        if (!await ListensAsync(port, ct))
            return [ScenarioResult.NotAvailable("hl7v2", session.Provider, session.Consent,
                "not available: the gateway has no MLLP listener on Adapters:Hospital:MllpPort yet")];

        // The generated admissions are sent round and round; each send gets a control id of its own
        // (MSH-10), or every message after the first round would be a resend the gateway answers from
        // its record of processed messages without storing anything (what runs before 7 December
        // 2026 measured once the first round was through).
        var messages = new SyntheticHl7v2Generator(session.Options.Seed).AdtMessages(session.Options.Patients, 3).ToArray();
        var connections = new TcpClient?[session.Options.Connections];
        var next = -1;
        try
        {
            var m = await LoadRunner.RunAsync(session.Options.Connections, session.Warmup, session.Duration, async (worker, token) =>
            {
                var tcp = connections[worker.Index] ??= await ConnectAsync(port, token);
                var sent = Interlocked.Increment(ref next);
                var frame = MllpFraming.Frame(WithControlId(messages[(int)((uint)sent % (uint)messages.Length)], $"BENCH{sent}"));
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var stream = tcp.GetStream();
                    await stream.WriteAsync(frame, token);
                    var ack = await ReadFrameAsync(stream, token);
                    worker.Record(started, null, ack.Contains("MSA|AA", StringComparison.Ordinal) || ack.Contains("MSA|CA", StringComparison.Ordinal) ? null : "NAK");
                }
                catch (IOException)
                {
                    worker.Record(started, null, "connection");
                    tcp.Dispose();
                    connections[worker.Index] = null;
                }
            }, ct);
            return ResultRows.From("hl7v2", session.Provider, session.Consent, m, note: "ADT A01/A08/A03 over MLLP, one in flight per connection");
        }
        finally
        {
            foreach (var c in connections) c?.Dispose();
        }
    }

    /// <summary><paramref name="message"/> with MSH-10 (the control id) replaced.</summary>
    internal static string WithControlId(string message, string controlId)
    {
        var end = message.IndexOf('\r');
        var msh = (end < 0 ? message : message[..end]).Split('|');
        if (msh.Length < 10 || msh[0] != "MSH") throw new ArgumentException("The message does not start with an MSH segment of ten fields.", nameof(message));
        msh[9] = controlId;
        return string.Join('|', msh) + (end < 0 ? "" : message[end..]);
    }

    private static async Task<bool> ListensAsync(int port, CancellationToken ct)
    {
        try
        {
            using var probe = await ConnectAsync(port, ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<TcpClient> ConnectAsync(int port, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
            return tcp;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Reads one MLLP frame (start block ... end block, carriage return) and returns its text.</summary>
    private static async Task<string> ReadFrameAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[4096];
        var received = new MemoryStream();
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0) throw new IOException("The MLLP connection closed before the ACK ended.");
            received.Write(buffer, 0, n);
            var bytes = received.GetBuffer().AsSpan(0, (int)received.Length);
            var end = bytes.IndexOf(MllpFraming.EndBlock);
            if (end >= 0) return Encoding.UTF8.GetString(bytes[..end]).TrimStart((char)MllpFraming.StartBlock);
        }
    }
}
