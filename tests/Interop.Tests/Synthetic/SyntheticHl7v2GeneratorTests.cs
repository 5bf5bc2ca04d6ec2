using Interop.Core.Identity;
using Interop.Core.Synthetic;
using NUnit.Framework;

namespace Interop.Tests.Synthetic;

[TestFixture]
public class SyntheticHl7v2GeneratorTests
{
    private const int Seed = 4242;

    [Test]
    public void EachAdmissionIsAnA01ThenA08ThenA03()
    {
        var messages = new SyntheticHl7v2Generator(Seed).AdtMessages(patients: 20, admissionsPerPatient: 2).ToList();

        Assert.That(messages, Has.Count.EqualTo(20 * 2 * 3));
        var types = messages.Select(m => Field(Segment(m, "MSH"), 9)).ToList();
        for (var i = 0; i < types.Count; i += 3)
            Assert.That(types.Skip(i).Take(3), Is.EqualTo(new[] { "ADT^A01^ADT_A01", "ADT^A08^ADT_A01", "ADT^A03^ADT_A03" }));
    }

    [Test]
    public void MessagesHaveValidMshPidAndPv1Structure()
    {
        var messages = new SyntheticHl7v2Generator(Seed).AdtMessages(50).ToList();
        var controlIds = new List<string>();
        foreach (var message in messages)
        {
            Assert.That(message, Does.StartWith("MSH|^~\\&|"));
            Assert.That(message, Does.Not.Contain("\n"));
            Assert.That(message, Does.EndWith("\r"));
            var segments = message.TrimEnd('\r').Split('\r');
            Assert.That(segments.Select(s => s[..3]), Is.EqualTo(new[] { "MSH", "EVN", "PID", "PD1", "PV1" }));

            var msh = segments[0];
            Assert.That(Field(msh, 12), Is.EqualTo("2.4"));
            Assert.That(Field(msh, 7), Does.Match(@"^\d{14}$"));
            Assert.That(Field(msh, 10).Length, Is.InRange(1, 20));
            controlIds.Add(Field(msh, 10));

            var pid = segments[2];
            var identifiers = Field(pid, 3).Split('~');
            Assert.That(identifiers[0], Does.Match(@"^999\d{7}\^\^\^NHS\^NH$"));
            Assert.That(NhsNumber.IsValid(identifiers[0][..10]), Is.True);
            Assert.That(identifiers[1], Does.EndWith("^MR"));
            Assert.That(Field(pid, 5).Split('^')[0], Is.Not.Empty);
            Assert.That(Field(pid, 7), Does.Match(@"^\d{8}$"));
            Assert.That(Field(pid, 8), Is.EqualTo("F").Or.EqualTo("M"));

            var pv1 = segments[4];
            Assert.That(Field(pv1, 2), Is.EqualTo("I"));
            Assert.That(Field(pv1, 44), Does.Match(@"^\d{14}$"));
            var discharge = Field(pv1, 45);
            if (Field(msh, 9).StartsWith("ADT^A03", StringComparison.Ordinal))
                Assert.That(string.CompareOrdinal(discharge, Field(pv1, 44)), Is.GreaterThan(0));
            else
                Assert.That(discharge, Is.Empty);
        }
        Assert.That(controlIds, Is.Unique);
    }

    [Test]
    public void PatientsAreTheSameAsInTheFhirGenerator()
    {
        var fhir = new SyntheticDataGenerator(Seed);
        var nhsNumbers = new SyntheticHl7v2Generator(Seed).AdtMessages(10)
            .Select(m => Field(Segment(m, "PID"), 3).Split('^')[0]).Distinct().ToList();

        Assert.That(nhsNumbers, Is.EqualTo(Enumerable.Range(0, 10).Select(fhir.NhsNumber)));
    }

    [Test]
    public void SameSeedIsIdenticalAndAnotherSeedDiffers()
    {
        var a = new SyntheticHl7v2Generator(Seed).AdtMessages(10).ToList();
        var b = new SyntheticHl7v2Generator(Seed).AdtMessages(10).ToList();
        var c = new SyntheticHl7v2Generator(Seed + 1).AdtMessages(10).ToList();

        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    private static string Segment(string message, string name) =>
        message.Split('\r').Single(s => s.StartsWith(name + "|", StringComparison.Ordinal) || s == name);

    /// <summary>Field n in HL7 numbering: for MSH, field 1 is the separator itself, so MSH-n is split index n-1.</summary>
    private static string Field(string segment, int n)
    {
        var parts = segment.Split('|');
        var index = segment.StartsWith("MSH", StringComparison.Ordinal) ? n - 1 : n;
        return index < parts.Length ? parts[index] : "";
    }
}
