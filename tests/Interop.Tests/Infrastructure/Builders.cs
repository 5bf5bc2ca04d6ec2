using Hl7.Fhir.Model;
using Interop.Core.Known;

namespace Interop.Tests.Infrastructure;

/// <summary>Builders for test data: each test makes its own (style.md, "Tests").</summary>
public static class Builders
{
    private static int _nhsSeed = 1;

    /// <summary>A fresh, valid NHS number from the never-issued 999 range.</summary>
    public static string NextNhsNumber()
    {
        while (true)
        {
            var n = Interlocked.Increment(ref _nhsSeed);
            var firstNine = (999_100_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (Interop.Core.Identity.NhsNumber.CheckDigit(firstNine) is { } check) return firstNine + check;
        }
    }

    public static Patient Patient(string family = "Smith", string given = "Jane", string? nhsNumber = null, string? id = null) => new()
    {
        Id = id,
        Identifier = [new Identifier(KnownSystems.NhsNumber, nhsNumber ?? NextNhsNumber())],
        Name = [new HumanName { Family = family, Given = [given] }],
        Gender = AdministrativeGender.Female,
        BirthDate = "1961-03-02",
    };

    public static Observation Observation(string patientId, string code = "997681000000108", decimal value = 7.8m) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(KnownSystems.Snomed, code, "Fasting blood glucose level"),
        Subject = new ResourceReference($"Patient/{patientId}"),
        Effective = new FhirDateTime("2023-01-10"),
        Value = new Quantity { Value = value, Unit = "mmol/L", System = KnownSystems.Ucum, Code = "mmol/L" },
    };
}
