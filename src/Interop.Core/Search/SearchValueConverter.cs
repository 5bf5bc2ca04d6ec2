using System.Globalization;
using Hl7.Fhir.Model;

namespace Interop.Core.Search;

/// <summary>
/// Turns one FHIRPath result (a POCO element) into index entries of the parameter's type,
/// following the R4 search rules for which data types each parameter type covers
/// (search.html 3.1.1.4). Elements of a type the parameter type cannot index are ignored.
/// </summary>
internal static class SearchValueConverter
{
    private const string CurrencySystem = "urn:iso:std:iso:4217";

    public static void AddEntries(string code, SearchParamType type, Base? value, List<SearchIndexEntry> entries)
    {
        if (value is null) return;
        switch (type)
        {
            case SearchParamType.String: AddStrings(code, value, entries); break;
            case SearchParamType.Token: AddTokens(code, value, entries); break;
            case SearchParamType.Date: AddDates(code, value, entries); break;
            case SearchParamType.Number: AddNumbers(code, value, entries); break;
            case SearchParamType.Quantity: AddQuantities(code, value, entries); break;
            case SearchParamType.Reference: AddReferences(code, value, entries); break;
            case SearchParamType.Uri: AddUris(code, value, entries); break;
        }
    }

    // search.html#string: HumanName and Address match on any of their string parts.
    private static void AddStrings(string code, Base value, List<SearchIndexEntry> entries)
    {
        void Add(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return;
            entries.Add(new StringIndexEntry(code, SearchStringNormalizer.Normalize(text), text.Trim()));
        }

        switch (value)
        {
            case HumanName name:
                Add(name.Family);
                foreach (var part in name.Given) Add(part);
                foreach (var part in name.Prefix) Add(part);
                foreach (var part in name.Suffix) Add(part);
                Add(name.Text);
                break;
            case Address address:
                foreach (var line in address.Line) Add(line);
                Add(address.City);
                Add(address.District);
                Add(address.State);
                Add(address.PostalCode);
                Add(address.Country);
                Add(address.Text);
                break;
            case PrimitiveType primitive:
                Add(PrimitiveText(primitive));
                break;
        }
    }

    // search.html#token: the system|code pairs each data type contributes.
    private static void AddTokens(string code, Base value, List<SearchIndexEntry> entries)
    {
        switch (value)
        {
            case Coding coding:
                AddCoding(code, coding, entries);
                break;
            case CodeableConcept concept:
                foreach (var coding in concept.Coding) AddCoding(code, coding, entries);
                if (!string.IsNullOrWhiteSpace(concept.Text))
                    entries.Add(new TokenIndexEntry(code, null, null, concept.Text));
                break;
            case Identifier identifier:
                if (string.IsNullOrWhiteSpace(identifier.Value) && string.IsNullOrWhiteSpace(identifier.System)) break;
                var typeCodings = identifier.Type?.Coding.Where(c => !string.IsNullOrWhiteSpace(c.Code)).ToList() ?? [];
                if (typeCodings.Count == 0)
                {
                    entries.Add(new TokenIndexEntry(code, Blank(identifier.System), Blank(identifier.Value), Blank(identifier.Type?.Text)));
                }
                else
                {
                    foreach (var typeCoding in typeCodings)
                        entries.Add(new TokenIndexEntry(code, Blank(identifier.System), Blank(identifier.Value),
                            Blank(identifier.Type?.Text), Blank(typeCoding.System), typeCoding.Code));
                }

                break;
            case ContactPoint contact:
                // The code is the value; ContactPoint.system (phone, email) is kept as the token system.
                if (!string.IsNullOrWhiteSpace(contact.Value))
                    entries.Add(new TokenIndexEntry(code, contact.SystemElement?.JsonValue as string, contact.Value.Trim(), null));
                break;
            case PrimitiveType primitive:
                var text = PrimitiveText(primitive);
                if (!string.IsNullOrWhiteSpace(text)) entries.Add(new TokenIndexEntry(code, null, text, null));
                break;
        }
    }

    private static void AddCoding(string code, Coding coding, List<SearchIndexEntry> entries)
    {
        if (string.IsNullOrWhiteSpace(coding.Code) && string.IsNullOrWhiteSpace(coding.System)) return;
        entries.Add(new TokenIndexEntry(code, Blank(coding.System), Blank(coding.Code), Blank(coding.Display)));
    }

    private static void AddDates(string code, Base value, List<SearchIndexEntry> entries)
    {
        FhirDateRange? range = value switch
        {
            PrimitiveType primitive => Parse(PrimitiveText(primitive)),
            Period period => PeriodRange(period),
            Timing timing => TimingRange(timing),
            _ => null,
        };
        if (range is { } r) entries.Add(new DateIndexEntry(code, r.Start, r.End));
    }

    // A period covers from the start of its start to the end of its end; a missing end is open.
    private static FhirDateRange? PeriodRange(Period period)
    {
        var start = Parse(period.Start);
        var end = Parse(period.End);
        if (start is null && end is null) return null;
        return new FhirDateRange(start?.Start ?? DateTimeOffset.MinValue, end?.End ?? DateTimeOffset.MaxValue);
    }

    // search.html#date: for Timing only the outer limits matter (events and repeat.boundsPeriod).
    private static FhirDateRange? TimingRange(Timing timing)
    {
        FhirDateRange? result = null;
        foreach (var moment in timing.EventElement)
        {
            if (Parse(moment.Value) is not { } r) continue;
            result = result is { } soFar ? soFar.Union(r) : r;
        }

        if (timing.Repeat?.Bounds is Period bounds && PeriodRange(bounds) is { } boundsRange)
            result = result is { } soFar ? soFar.Union(boundsRange) : boundsRange;
        return result;
    }

    private static void AddNumbers(string code, Base value, List<SearchIndexEntry> entries)
    {
        if (NumericValue(value) is not { } number) return;
        var (low, high) = DecimalPrecision.Range(number);
        entries.Add(new NumberIndexEntry(code, number, low, high));
    }

    private static void AddQuantities(string code, Base value, List<SearchIndexEntry> entries)
    {
        switch (value)
        {
            case Quantity { Value: { } amount } quantity:
            {
                var (low, high) = DecimalPrecision.Range(amount);
                entries.Add(new QuantityIndexEntry(code, Blank(quantity.System), Blank(quantity.Code), Blank(quantity.Unit), amount, low, high));
                break;
            }
            case Money { Value: { } amount } money:
            {
                var (low, high) = DecimalPrecision.Range(amount);
                var currency = money.CurrencyElement?.JsonValue as string;
                entries.Add(new QuantityIndexEntry(code, CurrencySystem, currency, currency, amount, low, high));
                break;
            }
        }
    }

    private static void AddReferences(string code, Base value, List<SearchIndexEntry> entries)
    {
        switch (value)
        {
            case ResourceReference reference:
            {
                var parsed = ReferenceParser.Parse(reference.Reference);
                var identifierSystem = Blank(reference.Identifier?.System);
                var identifierValue = Blank(reference.Identifier?.Value);
                if (parsed.TargetId is null && parsed.Url is null && identifierValue is null) return;
                entries.Add(new ReferenceIndexEntry(code, parsed.TargetType, parsed.TargetId, parsed.Url, identifierSystem, identifierValue));
                break;
            }
            case Canonical or FhirUri or FhirUrl:
            {
                var text = PrimitiveText((PrimitiveType)value);
                if (string.IsNullOrWhiteSpace(text)) return;
                var bar = text.IndexOf('|');
                var url = bar >= 0 ? text[..bar] : text;
                var version = bar >= 0 ? Blank(text[(bar + 1)..]) : null;
                entries.Add(new ReferenceIndexEntry(code, null, null, url, null, null, version));
                break;
            }
        }
    }

    private static void AddUris(string code, Base value, List<SearchIndexEntry> entries)
    {
        if (value is PrimitiveType primitive && PrimitiveText(primitive) is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text))
            entries.Add(new UriIndexEntry(code, text.Trim()));
    }

    private static decimal? NumericValue(Base value) => value switch
    {
        FhirDecimal d => d.Value,
        Integer i => i.Value,
        PositiveInt p => p.Value,
        UnsignedInt u => u.Value,
        Integer64 l => l.Value,
        _ => null,
    };

    private static FhirDateRange? Parse(string? text) => FhirDateRange.TryParse(text, out var range) ? range : null;

    /// <summary>The literal text of a primitive (enum codes as their FHIR code, booleans as true/false).</summary>
    internal static string? PrimitiveText(PrimitiveType primitive) => primitive.JsonValue switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateTimeOffset moment => moment.ToString("o", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
