using Interop.Api.Audit;
using NUnit.Framework;

namespace Interop.Tests.Audit;

public sealed class MergedPatientsTests
{
    [Test]
    public void A_retired_patient_brings_every_patient_its_record_was_merged_into()
    {
        // r1 was merged into r2, and r2 later into s.
        var survivorOf = new Dictionary<string, string> { ["r1"] = "r2", ["r2"] = "s" };

        Assert.That(MergedPatients.WithSurvivors(["r1"], survivorOf), Is.EquivalentTo(new[] { "r1", "r2", "s" }));
        Assert.That(MergedPatients.WithSurvivors(["s", "other"], survivorOf), Is.EquivalentTo(new[] { "s", "other" }));
        Assert.That(MergedPatients.WithSurvivors(["other"], new Dictionary<string, string>()), Is.EquivalentTo(new[] { "other" }));
    }

    [Test]
    public void Links_that_go_round_in_a_circle_end()
    {
        // Not something a merge writes, but two records hand-edited to replace each other must not hang the audit trail.
        var survivorOf = new Dictionary<string, string> { ["a"] = "b", ["b"] = "a" };

        Assert.That(MergedPatients.WithSurvivors(["a"], survivorOf), Is.EquivalentTo(new[] { "a", "b" }));
    }
}
