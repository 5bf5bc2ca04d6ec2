namespace Interop.Adapters.Hl7v2;

/// <summary>
/// Incremental MLLP decoder for one connection. Feed it whatever each read returned; it yields
/// complete frames, copes with a frame split over many reads and many frames in one read,
/// discards junk before a start block (and the LF some senders add after <c>0x1C 0x0D</c>), and
/// stops buffering a frame that exceeds the size limit (reporting it once its end arrives, so
/// ACKs stay in order).
/// </summary>
public sealed class MllpFrameDecoder
{
    private const int OversizePrefixBytes = 4096;
    private readonly int _maxMessageBytes;
    private readonly List<byte> _buffer = [];
    private readonly List<byte> _junk = [];
    private bool _inFrame;
    private bool _oversize;
    private bool _sawEndBlock;

    /// <param name="maxMessageBytes">Largest message content accepted, in bytes.</param>
    public MllpFrameDecoder(int maxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 16);
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>Bytes discarded outside frames so far (for logging).</summary>
    public long DiscardedBytes { get; private set; }

    /// <summary>Consumes <paramref name="data"/> and returns the frames it completed.</summary>
    public IReadOnlyList<MllpFrame> Append(ReadOnlySpan<byte> data)
    {
        var frames = new List<MllpFrame>();
        foreach (var b in data)
        {
            if (!_inFrame)
            {
                if (b == MllpFraming.StartBlock)
                {
                    DiscardJunk();
                    _inFrame = true;
                    _oversize = false;
                    _sawEndBlock = false;
                    _buffer.Clear();
                    continue;
                }
                _junk.Add(b);
                // An unframed sender writes "MSH|..." then a CR: answer it rather than wait forever.
                if (b == MllpFraming.CarriageReturn && LooksLikeUnframedMessage())
                {
                    frames.Add(new MllpFrame(MllpFrameKind.Unframed, _junk.ToArray()));
                    DiscardedBytes += _junk.Count;
                    _junk.Clear();
                }
                else if (_junk.Count > OversizePrefixBytes)
                {
                    DiscardJunk();
                }
                continue;
            }

            if (_sawEndBlock)
            {
                if (b == MllpFraming.CarriageReturn)
                {
                    frames.Add(new MllpFrame(_oversize ? MllpFrameKind.Oversize : MllpFrameKind.Message, _buffer.ToArray()));
                    _buffer.Clear();
                    _inFrame = false;
                    continue;
                }
                // 0x1C not followed by CR is content (tolerated), not an end.
                Store(MllpFraming.EndBlock);
                _sawEndBlock = false;
            }
            if (b == MllpFraming.EndBlock)
            {
                _sawEndBlock = true;
                continue;
            }
            if (b == MllpFraming.StartBlock)
            {
                // A new start block inside a frame: the previous frame was never finished. Start again.
                DiscardedBytes += _buffer.Count;
                _buffer.Clear();
                _oversize = false;
                continue;
            }
            Store(b);
        }
        return frames;
    }

    private void Store(byte b)
    {
        if (_oversize)
        {
            return;
        }
        if (_buffer.Count >= _maxMessageBytes)
        {
            // Keep the start (enough to read MSH for the AR) and drop the rest until the end block.
            _oversize = true;
            _buffer.RemoveRange(Math.Min(_buffer.Count, OversizePrefixBytes), Math.Max(0, _buffer.Count - OversizePrefixBytes));
            return;
        }
        _buffer.Add(b);
    }

    private bool LooksLikeUnframedMessage()
    {
        var start = 0;
        while (start < _junk.Count && _junk[start] is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or MllpFraming.EndBlock) start++;
        return _junk.Count - start > 4 && _junk[start] == 'M' && _junk[start + 1] == 'S' && _junk[start + 2] == 'H';
    }

    private void DiscardJunk()
    {
        DiscardedBytes += _junk.Count;
        _junk.Clear();
    }
}
