using Interop.Core.Search;
using Interop.Storage.Search;
using NUnit.Framework;

namespace Interop.Tests.Search;

/// <summary>
/// <see cref="BroadCriterionMemory"/>: which sole criteria were counted broad moments ago, so the
/// count is skipped for the same criterion (docs/search.md, "Broad criteria").
/// </summary>
[TestFixture]
public sealed class BroadCriterionMemoryTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    private static readonly SearchQueryParser Parser = new(new SearchParameterRegistry());

    private static SearchCriterion Criterion(string type, string name, string value) =>
        Parser.Parse(type, [new(name, value)], SearchParseOptions.Strict).Criteria.Single();

    [Test]
    public void A_count_is_trusted_for_its_time_and_only_up_to_the_rows_it_reached()
    {
        var clock = new ManualClock();
        var memory = new BroadCriterionMemory(clock);
        var key = BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "category", "laboratory"))!;
        Assert.That(memory.WasBroad(key, 1_000), Is.False, "nothing counted yet");

        memory.Broad(key, 1_250);
        Assert.That(memory.WasBroad(key, 1_000), Is.True);
        Assert.That(memory.WasBroad(key, 1_250), Is.True);
        Assert.That(memory.WasBroad(key, 1_251), Is.False, "the threshold has grown past what was counted");

        clock.Advance(BroadCriterionMemory.KeptFor - TimeSpan.FromSeconds(1));
        Assert.That(memory.WasBroad(key, 1_000), Is.True);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(memory.WasBroad(key, 1_000), Is.False, "counted too long ago");

        memory.Broad(key, 5_000);
        memory.Narrow(key);
        Assert.That(memory.WasBroad(key, 1_000), Is.False, "found narrow since");
    }

    [Test]
    public void Keys_tell_types_parameters_modifiers_prefixes_and_values_apart()
    {
        var keys = new[]
        {
            BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "category", "laboratory")),
            BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "category", "vital-signs")),
            BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "category:not", "laboratory")),
            BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "code", "laboratory")),
            BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "date", "lt2019-01-01")),
            BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "date", "ge2019-01-01")),
            BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "date", "lt2019-01-02")),
            BroadCriterionMemory.KeyOf("Encounter", Criterion("Encounter", "date", "lt2019-01-01")),
            BroadCriterionMemory.KeyOf("Patient", Criterion("Patient", "name", "smith")),
            BroadCriterionMemory.KeyOf("Patient", Criterion("Patient", "name:exact", "smith")),
            BroadCriterionMemory.KeyOf("Patient", Criterion("Patient", "name", "smith,jones")),
        };
        Assert.That(keys, Has.None.Null);
        Assert.That(keys.Distinct().Count(), Is.EqualTo(keys.Length));
        Assert.That(BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "category", "laboratory")), Is.EqualTo(keys[0]), "the same criterion, the same key");
    }

    [Test]
    public void Chains_and_composites_are_never_remembered()
    {
        Assert.That(BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "subject:Patient.name", "smith")), Is.Null);
        Assert.That(BroadCriterionMemory.KeyOf("Observation", Criterion("Observation", "code-value-quantity", "http://loinc.org|29463-7$gt80")), Is.Null);
    }
}
