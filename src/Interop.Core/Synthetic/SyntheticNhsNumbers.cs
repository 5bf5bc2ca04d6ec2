using System.Globalization;
using Interop.Core.Identity;

namespace Interop.Core.Synthetic;

/// <summary>
/// Hands out NHS numbers from the range that will never be issued (999 000 0000 - 999 999 9999,
/// domain notes 2.4), unique per seed: patient <c>i</c> gets the <c>i</c>-th number with a valid
/// Modulus 11 check digit in a seed-dependent permutation of the six free digits.
/// </summary>
internal sealed class SyntheticNhsNumbers
{
    private const int FreeDigitSpace = 1_000_000;

    /// <summary>About one nine-digit prefix in eleven has no valid check digit, so this many remain.</summary>
    public const int Capacity = 900_000;

    private readonly long _multiplier;
    private readonly long _offset;
    private readonly List<string> _issued = [];
    private int _nextPosition;
    private readonly Lock _gate = new();

    public SyntheticNhsNumbers(int seed)
    {
        var random = SeededRandom.ForStream(seed, stream: 0x4E48535F4E4F, index: 0);
        // An affine map x -> (a*x + b) mod 10^6 is a permutation when a is coprime with 10^6
        // (odd and not a multiple of 5), so positions never collide.
        long a;
        do a = 1 + random.Next(FreeDigitSpace - 1); while (a % 2 == 0 || a % 5 == 0);
        _multiplier = a;
        _offset = random.Next(FreeDigitSpace);
    }

    /// <summary>The NHS number of patient <paramref name="index"/> (ten digits, no spaces).</summary>
    public string ForPatient(int index)
    {
        if (index is < 0 or >= Capacity) throw new ArgumentOutOfRangeException(nameof(index), $"Synthetic NHS numbers run from patient 0 to {Capacity - 1}.");
        lock (_gate)
        {
            Span<char> digits = stackalloc char[9];
            while (_issued.Count <= index)
            {
                var free = (_multiplier * _nextPosition++ + _offset) % FreeDigitSpace;
                "999".AsSpan().CopyTo(digits);
                free.TryFormat(digits[3..], out _, "D6", CultureInfo.InvariantCulture);
                var check = NhsNumber.CheckDigit(digits);
                if (check is null) continue; // remainder 10: no valid number starts with these nine digits
                _issued.Add(new string(digits) + (char)('0' + check.Value));
            }
            return _issued[index];
        }
    }
}
