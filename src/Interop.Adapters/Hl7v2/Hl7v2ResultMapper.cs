using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Adapters.Hl7v2;

/// <summary>
/// OBR to DiagnosticReport and OBX to Observation (V2-to-FHIR OBR and OBX segment maps). Both are
/// identified from the filler order number so a corrected result (OBX-11 = C) replaces the first.
/// </summary>
internal static partial class Hl7v2ResultMapper
{
    /// <summary>A report being built: the DiagnosticReport, its order key and its observations so far.</summary>
    public sealed class ReportInProgress(DiagnosticReport report, string orderKey, string orderScope, string? effective)
    {
        public DiagnosticReport Report { get; } = report;
        public string OrderKey { get; } = orderKey;
        public string OrderScope { get; } = orderScope;
        public string? Effective { get; } = effective;
        public int ObservationCount { get; set; }
    }

    // Units as labs write them -> UCUM (only ones we are sure of; anything else keeps its text without a system).
    private static readonly Dictionary<string, string> UcumByLabUnit = new(StringComparer.Ordinal)
    {
        ["x10^9/L"] = "10*9/L", ["x10^12/L"] = "10*12/L", ["10^9/L"] = "10*9/L", ["10^12/L"] = "10*12/L",
        ["x10*9/L"] = "10*9/L", ["x10*12/L"] = "10*12/L", ["IU/L"] = "[IU]/L", ["iu/L"] = "[IU]/L", ["U/L"] = "U/L",
        ["mg/dl"] = "mg/dL", ["mg/dL"] = "mg/dL", ["g/dl"] = "g/dL", ["g/dL"] = "g/dL", ["mmol/L"] = "mmol/L",
        ["mmol/l"] = "mmol/L", ["umol/L"] = "umol/L", ["umol/l"] = "umol/L", ["nmol/L"] = "nmol/L", ["pmol/L"] = "pmol/L",
        ["mL/min"] = "mL/min", ["g/L"] = "g/L", ["g/l"] = "g/L", ["mg/L"] = "mg/L", ["ng/mL"] = "ng/mL", ["ng/ml"] = "ng/mL",
        ["pg/mL"] = "pg/mL", ["pg/ml"] = "pg/mL", ["ug/L"] = "ug/L", ["fL"] = "fL", ["fl"] = "fL", ["pg"] = "pg", ["%"] = "%",
        ["L/L"] = "L/L", ["mm[Hg]"] = "mm[Hg]", ["mmHg"] = "mm[Hg]", ["kg"] = "kg", ["cm"] = "cm", ["Cel"] = "Cel",
        ["degC"] = "Cel", ["/min"] = "/min", ["bpm"] = "/min", ["s"] = "s", ["mU/L"] = "m[IU]/L", ["mIU/L"] = "m[IU]/L",
    };

    /// <summary>Maps an OBR (with its ORC, if any) to a DiagnosticReport; null with an error when it cannot be identified.</summary>
    public static ReportInProgress? MapReport(Hl7v2MappingContext context, Hl7v2Segment obr, Hl7v2Segment? orc, ResourceReference patient)
    {
        // OBR-3 filler order number (EI), falling back to ORC-3; OBR-2/ORC-2 placer order number.
        var filler = FirstNonEmpty(obr.GetField(3), orc?.GetField(3));
        var placer = FirstNonEmpty(obr.GetField(2), orc?.GetField(2));
        var code = Hl7v2DataTypes.ToCodeableConcept(obr.GetField(4), context.Source);
        var failed = false;
        if (filler is null && placer is null)
        {
            context.Error(Hl7v2ErrorCode.RequiredFieldMissing,
                "OBR-3 filler order number (and OBR-2 placer) is empty: the result cannot be identified for later corrections.", obr, 3);
            failed = true;
        }
        if (code is null)
        {
            context.Error(Hl7v2ErrorCode.RequiredFieldMissing, "OBR-4 universal service identifier (the test) is empty.", obr, 4);
            failed = true;
        }
        if (failed) return null;

        var report = new DiagnosticReport { Subject = patient, Code = code! };
        var keyField = filler ?? placer!;
        var scope = Hl7v2DataTypes.Clean(keyField.Get(2)) ?? context.Source;
        var key = Hl7v2DataTypes.Clean(keyField.Get(1))!;
        var identifier = new Identifier(Hl7v2MappingContext.SourceSystem(filler is null ? "placer-order" : "filler-order", scope), key)
        {
            Type = new CodeableConcept(KnownSystems.V2IdentifierType, filler is null ? "PLAC" : "FILL"),
        };
        report.Identifier.Add(identifier);
        if (filler is not null && placer is not null)
        {
            report.Identifier.Add(new Identifier(
                Hl7v2MappingContext.SourceSystem("placer-order", Hl7v2DataTypes.Clean(placer.Get(2)) ?? context.Source),
                Hl7v2DataTypes.Clean(placer.Get(1))) { Type = new CodeableConcept(KnownSystems.V2IdentifierType, "PLAC") });
        }

        var effective = Hl7v2DataTypes.ToFhirDateTime(obr.Get(7), context.SenderTimeZone);
        if (effective is not null) report.Effective = new FhirDateTime(effective);
        // DiagnosticReport.issued is an instant, which needs a zone: only set when OBR-22 carries one.
        var issued = Hl7v2DataTypes.ToFhirDateTime(obr.Get(22), context.SenderTimeZone);
        if (issued is not null && issued.Length > 10 && DateTimeOffset.TryParse(issued, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            report.Issued = at;
        if (Hl7v2DataTypes.Clean(obr.Get(24)) is { } section)
            report.Category.Add(new CodeableConcept(KnownSystems.V2TablePrefix + "0074", section));

        // OBR-25 result status (table 0123) -> DiagnosticReport.status.
        var status = Hl7v2DataTypes.Clean(obr.Get(25))?.ToUpperInvariant();
        report.Status = status switch
        {
            "O" or "I" or "S" => DiagnosticReport.DiagnosticReportStatus.Registered,
            "P" or "R" => DiagnosticReport.DiagnosticReportStatus.Preliminary,
            "A" => DiagnosticReport.DiagnosticReportStatus.Partial,
            "C" => DiagnosticReport.DiagnosticReportStatus.Corrected,
            "F" => DiagnosticReport.DiagnosticReportStatus.Final,
            "X" => DiagnosticReport.DiagnosticReportStatus.Cancelled,
            _ => DiagnosticReport.DiagnosticReportStatus.Unknown,
        };
        if (status is null)
            context.Warning(Hl7v2ErrorCode.RequiredFieldMissing, "OBR-25 result status is empty; report status set to unknown.", obr, 25);
        else if (report.Status == DiagnosticReport.DiagnosticReportStatus.Unknown)
            context.Warning(Hl7v2ErrorCode.TableValueNotFound, $"OBR-25 '{status}' is not in HL7 table 0123; report status set to unknown.", obr, 25);

        context.Add(report, Hl7v2MappingContext.ConditionalUpdate("DiagnosticReport", identifier));
        return new ReportInProgress(report, key, scope, effective);
    }

    /// <summary>Maps one OBX of a report; returns the Observation so following NTEs can add notes.</summary>
    public static Observation? MapObservation(Hl7v2MappingContext context, Hl7v2Segment obx, ReportInProgress report, ResourceReference patient)
    {
        report.ObservationCount++;
        var code = Hl7v2DataTypes.ToCodeableConcept(obx.GetField(3), context.Source);
        if (code is null)
        {
            // Continuation OBXs of an encapsulated document (ED, RP) often omit OBX-3; their value is not
            // stored anyway, so that is a warning rather than a reason to refuse the whole report.
            if (Hl7v2DataTypes.Clean(obx.Get(2))?.ToUpperInvariant() is "ED" or "RP")
                context.Warning(Hl7v2ErrorCode.RequiredFieldMissing, "OBX-3 is empty on an encapsulated-data OBX; not stored.", obx, 3);
            else
                context.Error(Hl7v2ErrorCode.RequiredFieldMissing, "OBX-3 observation identifier is empty.", obx, 3);
            return null;
        }
        var observation = new Observation { Code = code, Subject = patient };

        // Stable id: filler order number + OBX-1 set id (+ OBX-4 sub-id), so a resend or correction updates.
        var setId = Hl7v2DataTypes.Clean(obx.Get(1)) ?? report.ObservationCount.ToString(CultureInfo.InvariantCulture);
        var subId = Hl7v2DataTypes.Clean(obx.GetRawField(4).Length == 0 ? null : obx.GetField(4).GetComponentText(1));
        var value = subId is null ? $"{report.OrderKey}-{setId}" : $"{report.OrderKey}-{setId}-{subId}";
        var identifier = new Identifier(Hl7v2MappingContext.SourceSystem("observation", report.OrderScope), value);
        observation.Identifier.Add(identifier);

        MapValue(context, obx, observation);
        if (Hl7v2DataTypes.Clean(obx.Get(7)) is { } range)
            observation.ReferenceRange.Add(new Observation.ReferenceRangeComponent { Text = range });
        foreach (var flag in obx.GetRepetitions(8))
            if (Hl7v2DataTypes.Clean(flag.Get(1)) is { } interpretation)
                observation.Interpretation.Add(new CodeableConcept(KnownSystems.V3ObservationInterpretation, interpretation));

        observation.Status = MapStatus(context, obx);
        var effective = Hl7v2DataTypes.ToFhirDateTime(obx.Get(14), context.SenderTimeZone) ?? report.Effective;
        if (effective is not null) observation.Effective = new FhirDateTime(effective);
        foreach (var xcn in obx.GetRepetitions(16))
            if (Hl7v2DataTypes.ToPractitionerReference(xcn, context.Source) is { } performer) observation.Performer.Add(performer);

        var reference = context.Add(observation, Hl7v2MappingContext.ConditionalUpdate("Observation", identifier));
        report.Report.Result.Add(reference);
        return observation;
    }

    /// <summary>OBX-11 (table 0085) -> Observation.status; unknown or empty codes are warnings, status unknown.</summary>
    private static ObservationStatus MapStatus(Hl7v2MappingContext context, Hl7v2Segment obx)
    {
        var code = Hl7v2DataTypes.Clean(obx.Get(11))?.ToUpperInvariant();
        ObservationStatus? status = code switch
        {
            "F" or "U" => ObservationStatus.Final,
            "P" or "R" or "S" => ObservationStatus.Preliminary,
            "C" => ObservationStatus.Corrected,
            "A" => ObservationStatus.Amended,
            "D" or "W" => ObservationStatus.EnteredInError,
            "X" or "N" => ObservationStatus.Cancelled,
            "I" or "O" => ObservationStatus.Registered,
            _ => null,
        };
        if (status is { } known) return known;
        if (code is null)
            context.Warning(Hl7v2ErrorCode.RequiredFieldMissing, "OBX-11 result status is empty; status set to unknown.", obx, 11);
        else
            context.Warning(Hl7v2ErrorCode.TableValueNotFound, $"OBX-11 '{code}' is not in HL7 table 0085; status set to unknown.", obx, 11);
        return ObservationStatus.Unknown;
    }

    /// <summary>OBX-5 by OBX-2 value type (V2-to-FHIR OBX map): NM, SN, ST/TX/FT, CE/CWE/CNE, DT/DTM/TS.</summary>
    private static void MapValue(Hl7v2MappingContext context, Hl7v2Segment obx, Observation observation)
    {
        var type = Hl7v2DataTypes.Clean(obx.Get(2))?.ToUpperInvariant();
        var repetitions = obx.GetRepetitions(5);
        var first = repetitions.FirstOrDefault(r => !r.IsEmpty && !r.IsExplicitNull);
        if (first is null)
        {
            // Nothing sent, or "" (explicitly no value): obs-6 wants a reason when there is no value.
            observation.DataAbsentReason = new CodeableConcept(KnownSystems.DataAbsentReason, "unknown");
            return;
        }
        switch (type)
        {
            case "NM":
                var text = Hl7v2DataTypes.Clean(first.Get(1)) ?? "";
                if (TryQuantity(text, obx, out var quantity)) observation.Value = quantity;
                else
                {
                    observation.Value = new FhirString(text);
                    context.Warning(Hl7v2ErrorCode.DataTypeError, $"OBX-5 '{text}' is not a number; stored as text.", obx, 5);
                }
                break;
            case "SN":
                observation.Value = StructuredNumeric(context, first, obx);
                break;
            case "ST" or "TX" or "FT" or "TN":
                // Repetitions of text types are lines (WinPath FT uses ~ as a line break).
                var lines = repetitions.Select(r => r.IsExplicitNull ? "" : r.GetComponentText(1) ?? "").ToList();
                var joined = string.Join('\n', lines).Trim('\n');
                if (joined.Trim().Length == 0) observation.DataAbsentReason = new CodeableConcept(KnownSystems.DataAbsentReason, "unknown");
                else observation.Value = new FhirString(type == "ST" ? joined.Trim() : joined);
                break;
            case "CE" or "CWE" or "CNE" or "CF":
                observation.Value = Hl7v2DataTypes.ToCodeableConcept(first, context.Source);
                break;
            case "DT" or "DTM" or "TS":
                var raw = Hl7v2DataTypes.Clean(first.Get(1));
                var dateTime = Hl7v2DataTypes.ToFhirDateTime(raw, context.SenderTimeZone);
                if (dateTime is not null) observation.Value = new FhirDateTime(dateTime);
                else
                {
                    observation.Value = new FhirString(raw ?? "");
                    context.Warning(Hl7v2ErrorCode.DataTypeError, $"OBX-5 '{raw}' is not an HL7 date/time; stored as text.", obx, 5);
                }
                break;
            default:
                // ED (encapsulated data, e.g. a base64 PDF) and other types have no R4 Observation value type
                // that fits; a DocumentReference would be the home for them. Not stored, but said so.
                observation.DataAbsentReason = new CodeableConcept(KnownSystems.DataAbsentReason, "unsupported");
                context.Warning(Hl7v2ErrorCode.DataTypeError,
                    $"OBX-2 value type '{type ?? "(empty)"}' is not supported; the value was not stored.", obx, 2);
                break;
        }
    }

    private static bool TryQuantity(string text, Hl7v2Segment obx, out Quantity quantity)
    {
        quantity = new Quantity();
        var match = ComparatorNumber().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            return false;
        quantity = MakeQuantity(number, obx);
        quantity.Comparator = match.Groups["c"].Value switch
        {
            "<" => Quantity.QuantityComparator.LessThan,
            "<=" => Quantity.QuantityComparator.LessOrEqual,
            ">" => Quantity.QuantityComparator.GreaterThan,
            ">=" => Quantity.QuantityComparator.GreaterOrEqual,
            _ => null,
        };
        return true;
    }

    private static Quantity MakeQuantity(decimal number, Hl7v2Segment obx)
    {
        var quantity = new Quantity { Value = number };
        var unit = obx.GetField(6);
        var unitCode = Hl7v2DataTypes.Clean(unit.Get(1));
        var unitText = Hl7v2DataTypes.Clean(unit.Get(2)) ?? unitCode;
        if (unitCode is null) return quantity;
        quantity.Unit = unitText;
        var declaredSystem = Hl7v2DataTypes.Clean(unit.Get(3))?.ToUpperInvariant();
        if (declaredSystem is "UCUM" or "ISO+" or "ANSI+")
        {
            quantity.System = KnownSystems.Ucum;
            quantity.Code = UcumByLabUnit.GetValueOrDefault(unitCode, unitCode);
        }
        else if (UcumByLabUnit.TryGetValue(unitCode, out var ucum))
        {
            quantity.System = KnownSystems.Ucum;
            quantity.Code = ucum;
        }
        return quantity;
    }

    /// <summary>SN: comparator ^ num1 ^ separator/suffix ^ num2 -> Quantity (with comparator), Range (-) or Ratio (: or /).</summary>
    private static DataType? StructuredNumeric(Hl7v2MappingContext context, Hl7v2Field sn, Hl7v2Segment obx)
    {
        var comparator = Hl7v2DataTypes.Clean(sn.Get(1));
        var separator = Hl7v2DataTypes.Clean(sn.Get(3));
        var first = ParseDecimal(sn.Get(2));
        var second = ParseDecimal(sn.Get(4));
        if (first is not null && separator is null)
        {
            var quantity = MakeQuantity(first.Value, obx);
            quantity.Comparator = comparator switch
            {
                "<" => Quantity.QuantityComparator.LessThan,
                "<=" => Quantity.QuantityComparator.LessOrEqual,
                ">" => Quantity.QuantityComparator.GreaterThan,
                ">=" => Quantity.QuantityComparator.GreaterOrEqual,
                _ => null,
            };
            return quantity;
        }
        if (first is not null && second is not null && separator is "-" or "+")
            return new Hl7.Fhir.Model.Range { Low = MakeQuantity(first.Value, obx), High = MakeQuantity(second.Value, obx) };
        if (first is not null && second is not null && separator is ":" or "/")
            return new Ratio { Numerator = new Quantity { Value = first }, Denominator = new Quantity { Value = second } };
        context.Warning(Hl7v2ErrorCode.DataTypeError, $"OBX-5 structured numeric '{sn.Raw}' could not be read; stored as text.", obx, 5);
        return new FhirString(sn.Raw);
    }

    private static decimal? ParseDecimal(string? text) =>
        decimal.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static Hl7v2Field? FirstNonEmpty(params Hl7v2Field?[] fields) =>
        fields.FirstOrDefault(f => f is not null && Hl7v2DataTypes.Clean(f.Get(1)) is not null);

    [GeneratedRegex(@"^(?<c><=|>=|<|>)?\s*(?<n>[+-]?\d+(\.\d+)?|[+-]?\.\d+)$")]
    private static partial Regex ComparatorNumber();
}
