using System.Net;
using System.Net.Sockets;
using System.Text;
using Interop.Adapters.Hl7v2;
using NUnit.Framework;

namespace Interop.Tests.Hl7v2;

[TestFixture]
public class MllpFrameDecoderTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Test]
    public void Frame_wraps_in_start_and_end_blocks()
    {
        Assert.That(MllpFraming.Frame("MSH|x"), Is.EqualTo(new byte[] { 0x0B, (byte)'M', (byte)'S', (byte)'H', (byte)'|', (byte)'x', 0x1C, 0x0D }));
    }

    [Test]
    public void Message_split_over_reads_and_two_in_one_read()
    {
        var decoder = new MllpFrameDecoder(1024);
        var stream = MllpFraming.Frame("MSH|one").Concat(MllpFraming.Frame("MSH|two")).Concat(MllpFraming.Frame("MSH|three")).ToArray();

        var first = decoder.Append(stream.AsSpan(0, 5));
        var rest = decoder.Append(stream.AsSpan(5, 20));
        var last = decoder.Append(stream.AsSpan(25));

        Assert.That(first, Is.Empty);
        Assert.That(rest.Concat(last).Select(f => Encoding.UTF8.GetString(f.Payload)), Is.EqualTo(new[] { "MSH|one", "MSH|two", "MSH|three" }));
    }

    [Test]
    public void Junk_before_the_start_block_is_discarded()
    {
        var decoder = new MllpFrameDecoder(1024);

        var frames = decoder.Append(Bytes("noise").Concat(MllpFraming.Frame("MSH|a")).Concat(Bytes("\n")).ToArray());

        Assert.That(frames.Single().Kind, Is.EqualTo(MllpFrameKind.Message));
        Assert.That(decoder.DiscardedBytes, Is.EqualTo(5));
    }

    [Test]
    public void Oversize_is_reported_after_its_end_block_and_decoding_continues()
    {
        var decoder = new MllpFrameDecoder(64);

        var frames = decoder.Append(MllpFraming.Frame("MSH|" + new string('x', 500)).Concat(MllpFraming.Frame("MSH|ok")).ToArray());

        Assert.That(frames.Select(f => f.Kind), Is.EqualTo(new[] { MllpFrameKind.Oversize, MllpFrameKind.Message }));
        Assert.That(frames[0].Payload.Length, Is.LessThanOrEqualTo(64));
    }

    [Test]
    public void Unframed_message_is_reported()
    {
        var decoder = new MllpFrameDecoder(1024);

        var frames = decoder.Append(Bytes("MSH|^~\\&|A|B|||20240101||ADT^A01|9|P|2.4\r"));

        Assert.That(frames.Single().Kind, Is.EqualTo(MllpFrameKind.Unframed));
    }
}

[TestFixture]
public class MllpListenerTests
{
    private const string Message = "MSH|^~\\&|PAS|RR8|TIE|RR8|20240315101500||ADT^A01|{0}|P|2.4\rPID|1||RR81^^^RR8^MR\r";
    private MllpListener _listener = null!;
    private readonly List<string> _received = [];

    [SetUp]
    public async Task Start()
    {
        _received.Clear();
        _listener = new MllpListener(
            new MllpListenerOptions { Address = IPAddress.Loopback, Port = 0, IdleTimeout = TimeSpan.FromMilliseconds(500), MaxMessageBytes = 2048 },
            Handle);
        await _listener.StartAsync();
    }

    [TearDown]
    public async Task Stop() => await _listener.DisposeAsync();

    /// <summary>Stands in for the gateway: AA for every message, echoing its control id; "boom" throws.</summary>
    private Task<string> Handle(string text, CancellationToken cancellationToken)
    {
        lock (_received) _received.Add(text);
        var message = new Hl7v2Parser().Parse(text).Messages[0];
        if (message.ControlId == "boom") throw new InvalidOperationException("storage down");
        return Task.FromResult(new Hl7v2AckBuilder().Build(message, Hl7v2AckCode.AA, []));
    }

    private async Task<TcpClient> Connect()
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _listener.Port);
        return client;
    }

    /// <summary>Reads one framed answer (or null when the server closed the connection).</summary>
    private static async Task<Hl7v2Message?> ReadAck(NetworkStream stream)
    {
        var decoder = new MllpFrameDecoder(1 << 20);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) return null;
            var frames = decoder.Append(buffer.AsSpan(0, read));
            if (frames.Count > 0) return new Hl7v2Parser().Parse(frames[0].Payload).Messages[0];
        }
    }

    private static byte[] Framed(string controlId) => MllpFraming.Frame(string.Format(Message, controlId));

    [Test]
    public async Task Listens_on_the_bound_port_and_acks_a_framed_message()
    {
        Assert.That(_listener.Port, Is.GreaterThan(0));
        using var client = await Connect();
        var stream = client.GetStream();

        await stream.WriteAsync(Framed("C1"));
        var ack = await ReadAck(stream);

        Assert.That(ack!.Get("MSA-1"), Is.EqualTo("AA"));
        Assert.That(ack.Get("MSA-2"), Is.EqualTo("C1"));
        Assert.That(_received.Single(), Does.StartWith("MSH|"));
    }

    [Test]
    public async Task Two_messages_in_one_write_get_two_acks_in_order()
    {
        using var client = await Connect();
        var stream = client.GetStream();

        await stream.WriteAsync(Framed("A").Concat(Framed("B")).ToArray());

        Assert.That((await ReadAckOrderly(stream, 2)).Select(a => a.Get("MSA-2")), Is.EqualTo(new[] { "A", "B" }));
    }

    [Test]
    public async Task Message_split_across_writes_is_reassembled()
    {
        using var client = await Connect();
        var stream = client.GetStream();
        var framed = Framed("SPLIT");

        await stream.WriteAsync(framed.AsMemory(0, 10));
        await stream.FlushAsync();
        await Task.Delay(50);
        await stream.WriteAsync(framed.AsMemory(10));

        Assert.That((await ReadAck(stream))!.Get("MSA-2"), Is.EqualTo("SPLIT"));
    }

    [Test]
    public async Task Junk_before_a_frame_is_ignored()
    {
        using var client = await Connect();
        var stream = client.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes("xx").Concat(Framed("J")).ToArray());

        Assert.That((await ReadAck(stream))!.Get("MSA-2"), Is.EqualTo("J"));
    }

    [Test]
    public async Task Oversize_message_gets_an_AR_and_the_connection_stays_usable()
    {
        using var client = await Connect();
        var stream = client.GetStream();
        var big = MllpFraming.Frame(string.Format(Message, "BIG") + "NTE|1||" + new string('x', 5000) + "\r");

        await stream.WriteAsync(big.Concat(Framed("AFTER")).ToArray());
        var acks = await ReadAckOrderly(stream, 2);

        Assert.That(acks[0].Get("MSA-1"), Is.EqualTo("AR"));
        Assert.That(acks[0].Get("MSA-2"), Is.EqualTo("BIG"));
        Assert.That(acks[1].Get("MSA-2"), Is.EqualTo("AFTER"));
        Assert.That(_received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Unframed_message_gets_an_AR_then_the_connection_closes()
    {
        using var client = await Connect();
        var stream = client.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Format(Message, "RAW")));
        var ack = await ReadAck(stream);

        Assert.That(ack!.Get("MSA-1"), Is.EqualTo("AR"));
        Assert.That(ack.Get("MSA-2"), Is.EqualTo("RAW"));
        Assert.That(await ReadAck(stream), Is.Null);
        Assert.That(_received, Is.Empty);
    }

    [Test]
    public async Task Handler_failure_is_answered_with_AE()
    {
        using var client = await Connect();
        var stream = client.GetStream();

        await stream.WriteAsync(Framed("boom"));
        var ack = await ReadAck(stream);

        Assert.That(ack!.Get("MSA-1"), Is.EqualTo("AE"));
        Assert.That(ack.Get("ERR-3"), Is.EqualTo("207"));
    }

    [Test]
    public async Task Idle_connection_is_closed()
    {
        using var client = await Connect();
        var stream = client.GetStream();

        var closed = await ReadAck(stream);

        Assert.That(closed, Is.Null);
    }

    [Test]
    public async Task Concurrent_connections_are_served()
    {
        var clients = Enumerable.Range(0, 8).Select(async i =>
        {
            using var client = await Connect();
            var stream = client.GetStream();
            var acks = new List<string?>();
            for (var n = 0; n < 3; n++)
            {
                await stream.WriteAsync(Framed($"C{i}-{n}"));
                acks.Add((await ReadAck(stream))!.Get("MSA-2"));
            }
            return acks;
        });

        var results = await Task.WhenAll(clients);

        for (var i = 0; i < results.Length; i++)
            Assert.That(results[i], Is.EqualTo(new[] { $"C{i}-0", $"C{i}-1", $"C{i}-2" }));
        Assert.That(_received, Has.Count.EqualTo(24));
    }

    [Test]
    public async Task Stop_closes_open_connections()
    {
        using var client = await Connect();
        var stream = client.GetStream();
        await stream.WriteAsync(Framed("S"));
        await ReadAck(stream);

        await _listener.StopAsync();

        Assert.That(await ReadAck(stream), Is.Null);
    }

    private static async Task<List<Hl7v2Message>> ReadAckOrderly(NetworkStream stream, int count)
    {
        var decoder = new MllpFrameDecoder(1 << 20);
        var buffer = new byte[4096];
        var acks = new List<Hl7v2Message>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (acks.Count < count)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) break;
            foreach (var frame in decoder.Append(buffer.AsSpan(0, read)))
                acks.Add(new Hl7v2Parser().Parse(frame.Payload).Messages[0]);
        }
        return acks;
    }
}
