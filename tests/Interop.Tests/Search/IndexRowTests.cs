using Hl7.Fhir.Model;
using Interop.Core.Search;
using Interop.Storage;
using Interop.Storage.Entities;
using NUnit.Framework;

namespace Interop.Tests.Search;

/// <summary>How extracted index entries become stored index rows (<see cref="ResourceIndexer"/>).</summary>
[TestFixture]
public sealed class IndexRowTests
{
    private static readonly ResourceIndexer Indexer = new(new SearchIndexer(new SearchParameterRegistry()));

    private static ResourceVersionRow Populate(Resource resource)
    {
        var row = new ResourceVersionRow { ResourceType = resource.TypeName, ResourceId = resource.Id };
        Indexer.Populate(row, resource);
        return row;
    }

    private static AuditEvent PageOfThreeReleased() => new()
    {
        Id = "page",
        Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"),
        Recorded = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero),
        Agent = [new AuditEvent.AgentComponent { Requestor = true, Who = new ResourceReference { Display = "Dr Example" } }],
        Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "gateway" } },
        Entity = new[] { "o1", "o2", "o3" }.Select(id => new AuditEvent.EntityComponent
        {
            What = new ResourceReference($"Observation/{id}"),
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2"),
            Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "4"),
        }).ToList(),
    };

    [Test]
    public void An_entry_equal_to_one_already_stored_adds_no_row()
    {
        var row = Populate(PageOfThreeReleased());

        Assert.That(row.Tokens.Count(t => t.ParamName == "entity-type"), Is.EqualTo(1), "three entities of one type: one row");
        Assert.That(row.Tokens.Count(t => t.ParamName == "entity-role"), Is.EqualTo(1), "and of one role: one row");
        Assert.That(row.References.Where(r => r.ParamName == "entity").Select(r => r.TargetId), Is.EquivalentTo(new[] { "o1", "o2", "o3" }),
            "different values each keep their row");
    }

    [Test]
    public void Composite_entries_keep_every_group()
    {
        // Two components with the same code and value: a composite's groups pair its components, so none is dropped.
        var observation = new Observation
        {
            Id = "bp",
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "85354-9"),
            Component =
            [
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(120, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(120, "mm[Hg]") },
            ],
        };
        var row = Populate(observation);
        var groups = row.Tokens.Where(t => t.ParamName.StartsWith("component-code-value-quantity", StringComparison.Ordinal)).Select(t => t.Group).Distinct().Count();
        Assert.That(groups, Is.EqualTo(2));
    }
}
