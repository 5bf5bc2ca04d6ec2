using Interop.Adapters.Hl7v2;
using NUnit.Framework;

namespace Interop.Tests.Hl7v2;

/// <summary>Every sample goes through parse, map and ACK: a result for each, never an exception.</summary>
[TestFixture]
public class Hl7v2FixtureTests
{
    private static readonly Dictionary<string, Hl7v2AckCode> Expected = new()
    {
        ["broken-bad-encoding-chars-duplicate.hl7"] = Hl7v2AckCode.AR,
        ["broken-bad-encoding-chars-missing.hl7"] = Hl7v2AckCode.AR,
        ["broken-mllp-framing-residue.hl7"] = Hl7v2AckCode.AA,
        ["broken-no-msh.hl7"] = Hl7v2AckCode.AR,
        ["broken-truncated-segment.hl7"] = Hl7v2AckCode.AE,
        ["constructed-oru-r01-v2.4-escape-sequences.hl7"] = Hl7v2AckCode.AA,
        ["fhirconv-adt-a01-v2.3-bom-dg1-trailing-spaces.hl7"] = Hl7v2AckCode.AA,
        ["fhirconv-adt-a08-v2.8-al1-dg1.hl7"] = Hl7v2AckCode.AA,
        ["fhirconv-adt-a28-v2.8-al1-dg1.hl7"] = Hl7v2AckCode.AA,
        ["fhirconv-adt-a31-v2.8-al1-dg1.hl7"] = Hl7v2AckCode.AA,
        ["fhirconv-adt-a40-v2.8-two-merges.hl7"] = Hl7v2AckCode.AA,
        ["fhirconv-oru-r01-v2.5-bom-nm-spm.hl7"] = Hl7v2AckCode.AA,
        ["pipehat-adt-a01-v2.5-al1-dg1-escape-T.hl7"] = Hl7v2AckCode.AA,
        ["pipehat-adt-a04-v2.4-dg1-nk1.hl7"] = Hl7v2AckCode.AA,
        ["pipehat-oru-r01-v2.3-cbc-escape-S-T-zsegs.hl7"] = Hl7v2AckCode.AA,
        ["pipehat-oru-r01-v2.3-large-nte-add-fts-nonascii.hl7"] = Hl7v2AckCode.AA,
        // OBR has neither filler nor placer order number: cannot be identified for corrections.
        ["pipehat-oru-r01-v2.3-st-immunisations.hl7"] = Hl7v2AckCode.AE,
        // PID-3 empty: no patient to file the result against.
        ["pipehat-oru-r01-v2.3.1-minimal-pid-only.hl7"] = Hl7v2AckCode.AE,
        // The wrapped OBR lost OBR-4.
        ["pipehat-oru-r01-v2.4-sn-split-obr-quirk.hl7"] = Hl7v2AckCode.AE,
        ["pipehat-oru-r01-v2.5.1-cwe-dt-sn-spm.hl7"] = Hl7v2AckCode.AA,
        ["uk-inhealthcare-adt-a28-v2.4-nhs-number-pd1.hl7"] = Hl7v2AckCode.AA,
        ["uk-inhealthcare-adt-a31-v2.4-pd1.hl7"] = Hl7v2AckCode.AA,
    };

    private readonly Hl7v2Parser _parser = new();
    private readonly Hl7v2ToFhirMapper _mapper = new();
    private readonly Hl7v2AckBuilder _acks = new();

    [Test]
    public void Every_fixture_has_an_expectation()
    {
        Assert.That(Hl7v2Fixtures.All(), Is.EquivalentTo(Expected.Keys));
    }

    [TestCaseSource(typeof(Hl7v2Fixtures), nameof(Hl7v2Fixtures.All))]
    public void Parse_map_and_ack_never_throw(string file)
    {
        var parsed = _parser.Parse(Hl7v2Fixtures.Bytes(file));
        var acks = new List<string>();
        var codes = new List<Hl7v2AckCode>();
        if (parsed.Messages.Count == 0)
        {
            acks.Add(_acks.BuildUnreadable(parsed.Problems));
            codes.Add(Hl7v2AckCode.AR);
        }
        foreach (var message in parsed.Messages)
        {
            var result = _mapper.Map(message);
            Assert.That(result.Problems.Any(p => p.Code == Hl7v2ErrorCode.ApplicationInternalError), Is.False, string.Join("; ", result.Problems));
            Assert.That(result.Transaction is null, Is.EqualTo(result.AckCode != Hl7v2AckCode.AA));
            acks.Add(_acks.Build(message, result));
            codes.Add(result.AckCode);
        }

        Assert.That(codes.Distinct().Single(), Is.EqualTo(Expected[file]));
        foreach (var ack in acks)
        {
            var reparsed = _parser.Parse(ack).Messages.Single();
            Assert.That(reparsed.MessageType, Is.EqualTo("ACK"));
            Assert.That(reparsed.Get("MSA-1"), Is.EqualTo(Expected[file].ToString()));
            Assert.That(reparsed.Get("MSA-2"), Is.EqualTo(parsed.Messages.FirstOrDefault()?.ControlId));
            if (Expected[file] != Hl7v2AckCode.AA) Assert.That(reparsed.GetAll("ERR"), Is.Not.Empty);
        }
    }
}
