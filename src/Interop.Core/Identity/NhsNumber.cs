namespace Interop.Core.Identity;

/// <summary>
/// NHS number rules: ten digits, Modulus 11 check digit (NHS Data Dictionary; domain notes 2.4).
/// </summary>
public static class NhsNumber
{
    /// <summary>Strips the spaces of the 3-3-4 display form; null when nothing is left.</summary>
    public static string? Normalise(string? value)
    {
        if (value is null) return null;
        var s = value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim();
        return s.Length == 0 ? null : s;
    }

    /// <summary>True when <paramref name="value"/> (spaces allowed) is ten digits with a valid check digit.</summary>
    public static bool IsValid(string? value)
    {
        var s = Normalise(value);
        if (s is null || s.Length != 10) return false;
        foreach (var c in s) if (c is < '0' or > '9') return false;
        var sum = 0;
        for (var i = 0; i < 9; i++) sum += (s[i] - '0') * (10 - i);
        var check = 11 - sum % 11;
        if (check == 11) check = 0;
        if (check == 10) return false; // no valid number has this remainder
        return check == s[9] - '0';
    }

    /// <summary>Computes the check digit for nine leading digits, or null when no valid number starts with them.</summary>
    public static int? CheckDigit(ReadOnlySpan<char> firstNine)
    {
        if (firstNine.Length != 9) throw new ArgumentException("Nine digits are needed.", nameof(firstNine));
        var sum = 0;
        for (var i = 0; i < 9; i++) sum += (firstNine[i] - '0') * (10 - i);
        var check = 11 - sum % 11;
        if (check == 11) return 0;
        return check == 10 ? null : check;
    }

    /// <summary>Explains why a value is not a valid NHS number, for OperationOutcome and ACK text.</summary>
    public static string Explain(string? value)
    {
        var s = Normalise(value);
        if (s is null) return "NHS number is empty.";
        if (s.Length != 10 || !s.All(char.IsAsciiDigit)) return $"NHS number '{value}' must be ten digits.";
        return $"NHS number '{value}' fails the Modulus 11 check digit.";
    }
}
