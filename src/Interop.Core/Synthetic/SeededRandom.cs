using System.Buffers.Binary;

namespace Interop.Core.Synthetic;

/// <summary>
/// A small, fully specified pseudo-random generator (xoshiro256**, seeded through SplitMix64) so that
/// synthetic data is the same on every machine and .NET version. <see cref="System.Random"/> is not
/// used because its algorithm is an implementation detail that has changed between releases.
/// </summary>
/// <remarks>
/// Only integer arithmetic and IEEE additions/multiplications are used: no <c>Math.Log</c>/<c>Math.Cos</c>,
/// whose last bits may differ between CPU architectures and would break byte-identical output.
/// </remarks>
internal sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>
    /// A generator for one independent stream (for example "patient 42 of seed 7"), so that a patient's
    /// content depends only on the seed and its index, not on how many patients were generated before it.
    /// </summary>
    public static SeededRandom ForStream(int seed, ulong stream, long index)
    {
        var x = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ stream * 0xC2B2AE3D27D4EB4FUL ^ (ulong)index * 0x165667B19E3779F9UL);
        return new SeededRandom(SplitMix64(ref x));
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>) (Lemire's multiply-shift).</summary>
    public int Next(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        return (int)(((UInt128)NextUInt64() * (ulong)maxExclusive) >> 64);
    }

    /// <summary>Uniform integer in [<paramref name="minInclusive"/>, <paramref name="maxInclusive"/>].</summary>
    public int Between(int minInclusive, int maxInclusive) => minInclusive + Next(maxInclusive - minInclusive + 1);

    /// <summary>Uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>
    /// Roughly normal value (Irwin-Hall sum of four uniforms, clamped to mean ± 3 sd): good enough for
    /// clinical measurements and free of transcendental functions.
    /// </summary>
    public double Normal(double mean, double standardDeviation)
    {
        var sum = NextDouble() + NextDouble() + NextDouble() + NextDouble();
        // Sum of four U(0,1) has mean 2 and variance 4/12, so sd = sqrt(1/3) ≈ 0.57735.
        var z = (sum - 2.0) / 0.5773502691896258;
        return mean + z * standardDeviation;
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, NextUInt64());
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], NextUInt64());
        // Version 4 and RFC 4122 variant bits, so the value looks like any other random UUID.
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
