using Hl7.Fhir.Model;
using Interop.Api.Audit;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using NUnit.Framework;

namespace Interop.Tests.ConsentLedger;

/// <summary>
/// A waiting patient's view is kept as what it is built from (<see cref="PendingView"/>) and built when
/// it is stored: the AuditEvent must be the one that would have been built at once.
/// </summary>
[TestFixture]
public sealed class PendingViewTests
{
    private static AuditEntry Access(string? breakGlass = null) => new()
    {
        Recorded = new DateTimeOffset(2026, 12, 7, 15, 26, 30, TimeSpan.Zero).AddTicks(7_894_097),
        Interaction = FhirInteraction.SearchType,
        Status = 200,
        UserId = "clinician@RBQ",
        UserName = "A Clinician",
        Role = "clinician",
        Organization = "RBQ",
        PurposeOfUse = breakGlass is null ? "TREAT" : "BTG",
        TokenId = "token-id-secret",
        RequestId = "req-1",
        BreakGlassReason = breakGlass,
        Host = "10.0.0.9",
        Method = "GET",
        Path = "/fhir/Observation",
        Query = "?subject=Patient/p1&code=secret-query",
        ReleasedRows = [.. Enumerable.Range(1, 300).Select(i => (long)i)],
        Patients = ["p1", "p2"],
    };

    private static readonly (string Type, string Id)[] Own = [("Observation", "o1"), ("Condition", "c1")];

    [TestCase(null)]
    [TestCase("Unconscious patient in ED")]
    public void A_view_built_from_its_pending_row_is_the_view_built_at_once(string? breakGlass)
    {
        var entry = Access(breakGlass);
        var atOnce = FhirSerialization.ToJson(AuditEventBuilder.BuildPatientView(entry, "p1", [3, 7], Own));

        var row = PendingView.ToJson(entry, [3, 7], Own);
        var later = FhirSerialization.ToJson(PendingView.ToAuditEvent(row, "p1"));

        Assert.That(later, Is.EqualTo(atOnce));
        Assert.That(row.Length, Is.LessThan(atOnce.Length / 2), row);
    }

    [Test]
    public void A_pending_row_keeps_nothing_the_view_does_not_show()
    {
        var row = PendingView.ToJson(Access("Unconscious patient in ED"), [3], Own);

        Assert.That(row, Does.Not.Contain("token-id-secret").And.Not.Contain("Unconscious").And.Not.Contain("secret-query")
            .And.Not.Contain("10.0.0.9").And.Not.Contain("\"p2\""));
    }
}
