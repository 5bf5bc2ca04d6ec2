using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// Conversions of HL7 v2 data types to FHIR R4 data types, after the V2-to-FHIR IG data type maps
/// (DTM, CWE, CX, XPN, XAD, XTN, XCN).
/// </summary>
internal static partial class Hl7v2DataTypes
{
    /// <summary>
    /// DTM/TS (<c>YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]</c>) to a FHIR dateTime string. FHIR requires a
    /// zone when a time is given (dateTime, 2.24.0.8), so times without one are read in the sender's zone.
    /// Null when the text is not a v2 date/time.
    /// </summary>
    public static string? ToFhirDateTime(string? value, TimeZoneInfo senderZone)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var match = DtmPattern().Match(value.Trim());
        if (!match.Success) return null;
        var year = match.Groups["y"].Value;
        if (!match.Groups["mo"].Success) return year;
        var month = int.Parse(match.Groups["mo"].Value, CultureInfo.InvariantCulture);
        if (month is < 1 or > 12) return null;
        if (!match.Groups["d"].Success) return $"{year}-{match.Groups["mo"].Value}";
        if (!DateTime.TryParseExact($"{year}{match.Groups["mo"].Value}{match.Groups["d"].Value}", "yyyyMMdd",
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return null;
        var datePart = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (!match.Groups["h"].Success) return datePart;
        var hour = int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minute = match.Groups["mi"].Success ? int.Parse(match.Groups["mi"].Value, CultureInfo.InvariantCulture) : 0;
        var second = match.Groups["s"].Success ? int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
        if (hour > 23 || minute > 59 || second > 59) return null;
        var fraction = match.Groups["f"].Success ? "." + match.Groups["f"].Value : "";
        string offset;
        if (match.Groups["z"].Success)
        {
            var z = match.Groups["z"].Value;
            offset = $"{z[..3]}:{z[3..]}";
        }
        else
        {
            var local = new DateTime(date.Year, date.Month, date.Day, hour, minute, second, DateTimeKind.Unspecified);
            var utcOffset = senderZone.GetUtcOffset(local);
            offset = (utcOffset < TimeSpan.Zero ? "-" : "+") + utcOffset.ToString("hh\\:mm", CultureInfo.InvariantCulture);
        }
        return $"{datePart}T{hour:00}:{minute:00}:{second:00}{fraction}{offset}";
    }

    /// <summary>DT (or the date part of a DTM) to a FHIR date string; null when not a v2 date.</summary>
    public static string? ToFhirDate(string? value)
    {
        var dateTime = ToFhirDateTime(value, TimeZoneInfo.Utc);
        return dateTime is null ? null : dateTime.Length > 10 ? dateTime[..10] : dateTime;
    }

    /// <summary>CWE/CE/CNE to a CodeableConcept: primary and alternate coding, text from CWE.2 or CWE.9.</summary>
    public static CodeableConcept? ToCodeableConcept(Hl7v2Field field, string source)
    {
        if (field.IsEmpty || field.IsExplicitNull) return null;
        var concept = new CodeableConcept();
        // CWE.1 sent with stray subcomponents ("&GDT"): the first non-empty part is the code.
        var code = field.Get(1) ?? field.GetSubcomponents(1).FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));
        AddCoding(concept, code, field.Get(2), field.Get(3), source);
        AddCoding(concept, field.Get(4), field.Get(5), field.Get(6), source);
        concept.Text = Clean(field.Get(9)) ?? Clean(field.Get(2)) ?? Clean(field.Get(5));
        if (concept.Coding.Count == 0 && concept.Text is null) return null;
        return concept;
    }

    private static void AddCoding(CodeableConcept concept, string? code, string? display, string? system, string source)
    {
        code = Clean(code);
        if (code is null) return;
        concept.Coding.Add(new Coding(CodeSystemUri(system, source), code, Clean(display)));
    }

    /// <summary>Coding system names of HL7 table 0396 to FHIR URIs; unknown names become local systems.</summary>
    public static string CodeSystemUri(string? name, string source)
    {
        var n = Clean(name);
        switch (n?.ToUpperInvariant())
        {
            case "LN": case "LOINC": return KnownSystems.Loinc;
            case "SCT": case "SNM": case "SNM3": case "SNOMED": case "SNOMEDCT": case "SCT2": return KnownSystems.Snomed;
            case "I10": case "ICD10": case "I10C": return KnownSystems.Icd10;
            case "I9": case "I9C": case "ICD9": return KnownSystems.Icd9Cm;
            case "UCUM": return KnownSystems.Ucum;
            case "READ": case "RD2": return KnownSystems.ReadV2;
            case "CTV3": return KnownSystems.Ctv3;
            case "DMD": return KnownSystems.Dmd;
        }
        if (n is not null && HlTablePattern().Match(n) is { Success: true } table) return KnownSystems.V2TablePrefix + table.Groups[1].Value;
        return $"{KnownSystems.LocalCodeSystemBase}/{Uri.EscapeDataString(n ?? source)}";
    }

    /// <summary>XPN to HumanName (XPN.1 family, .2/.3 given, .4 suffix, .5 prefix, .7 use from table 0200).</summary>
    public static HumanName? ToHumanName(Hl7v2Field field)
    {
        var family = Clean(field.Get(1));
        var given = new[] { Clean(field.Get(2)), Clean(field.Get(3)) }.OfType<string>().ToList();
        if (family is null && given.Count == 0) return null;
        var name = new HumanName { Family = family, Given = given };
        if (Clean(field.Get(5)) is { } prefix) name.Prefix = [prefix];
        if (Clean(field.Get(4)) is { } suffix) name.Suffix = [suffix];
        name.Use = Clean(field.Get(7))?.ToUpperInvariant() switch
        {
            "L" => HumanName.NameUse.Official,
            "D" => HumanName.NameUse.Usual,
            "M" => HumanName.NameUse.Maiden,
            "N" => HumanName.NameUse.Nickname,
            "A" or "S" => HumanName.NameUse.Anonymous,
            _ => null,
        };
        return name;
    }

    /// <summary>XAD to Address (street, other designation, city, state, postcode, country, type, county XAD.9).</summary>
    public static Address? ToAddress(Hl7v2Field field)
    {
        var lines = new[] { Clean(field.Get(1)), Clean(field.Get(2)) }.OfType<string>().ToList();
        var address = new Address
        {
            Line = lines,
            City = Clean(field.Get(3)),
            State = Clean(field.Get(4)),
            PostalCode = Clean(field.Get(5)),
            Country = Clean(field.Get(6)),
            District = Clean(field.Get(9)),
        };
        if (lines.Count == 0 && address.City is null && address.PostalCode is null && address.State is null) return null;
        switch (Clean(field.Get(7))?.ToUpperInvariant())
        {
            case "H": address.Use = Address.AddressUse.Home; break;
            case "B": case "O": address.Use = Address.AddressUse.Work; break;
            case "C": address.Use = Address.AddressUse.Temp; break;
            case "M": address.Type = Address.AddressType.Postal; break;
            case "OLD": address.Use = Address.AddressUse.Old; break;
        }
        return address;
    }

    /// <summary>XTN to ContactPoint: number from XTN.1, else XTN.4 email, else XTN.6+7, else XTN.12.</summary>
    public static ContactPoint? ToContactPoint(Hl7v2Field field, ContactPoint.ContactPointUse defaultUse)
    {
        var useCode = Clean(field.Get(2))?.ToUpperInvariant();
        var equipment = Clean(field.Get(3))?.ToUpperInvariant();
        var email = Clean(field.Get(4));
        var local = Clean(field.Get(7));
        var value = Clean(field.Get(1)) ?? email ?? (local is null ? null : $"{Clean(field.Get(6))}{local}") ?? Clean(field.Get(12));
        if (value is null) return null;
        var system = useCode == "NET" || equipment is "INTERNET" or "X.400" || (value == email && email is not null)
            ? ContactPoint.ContactPointSystem.Email
            : equipment switch
            {
                "FX" => ContactPoint.ContactPointSystem.Fax,
                "BP" => ContactPoint.ContactPointSystem.Pager,
                _ => ContactPoint.ContactPointSystem.Phone,
            };
        var use = equipment == "CP" || useCode == "PRS" ? ContactPoint.ContactPointUse.Mobile
            : useCode == "WPN" ? ContactPoint.ContactPointUse.Work
            : useCode is "PRN" or "ORN" or "VHN" ? ContactPoint.ContactPointUse.Home
            : defaultUse;
        return new ContactPoint(system, use, value);
    }

    /// <summary>XCN (id^family^given^middle^suffix^prefix) to a reference by identifier and display.</summary>
    public static ResourceReference? ToPractitionerReference(Hl7v2Field field, string source)
    {
        var id = Clean(field.Get(1));
        var family = Clean(field.Get(2));
        var given = Clean(field.Get(3));
        var prefix = Clean(field.Get(6));
        if (id is null && family is null) return null;
        var display = string.Join(' ', new[] { prefix, given, family }.OfType<string>());
        var reference = new ResourceReference { Display = display.Length == 0 ? id : display };
        if (id is not null)
        {
            // UK conventions: GP codes are G + 7 digits (GMP), consultants C + 7 digits (GMC), per the domain notes 2.2.
            var system = GmpPattern().IsMatch(id) ? KnownSystems.GmpNumber
                : GmcPattern().IsMatch(id) ? KnownSystems.GmcNumber
                : Hl7v2MappingContext.SourceSystem("practitioner", source);
            reference.Identifier = new Identifier(system, GmcPattern().IsMatch(id) ? id[1..] : id);
        }
        return reference;
    }

    /// <summary>Trimmed text, or null for empty / whitespace.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^(?<y>\d{4})((?<mo>\d{2})((?<d>\d{2})((?<h>\d{2})((?<mi>\d{2})((?<s>\d{2})(\.(?<f>\d{1,4}))?)?)?)?)?)?(?<z>[+-]\d{4})?$")]
    private static partial Regex DtmPattern();

    [GeneratedRegex(@"^HL7?(\d{4})$")]
    private static partial Regex HlTablePattern();

    [GeneratedRegex(@"^G\d{7}$")]
    private static partial Regex GmpPattern();

    [GeneratedRegex(@"^C\d{7}$")]
    private static partial Regex GmcPattern();
}
