using Hl7.Fhir.Model;
using Interop.Core.Search;
using NUnit.Framework;

namespace Interop.Tests.Search;

[TestFixture]
public class SearchQueryParserTests
{
    private static readonly SearchQueryParser Parser = new(new SearchParameterRegistry());

    private static SearchQuery Parse(string? type, string query, bool lenient = false) =>
        Parser.Parse(type, Pairs(query), new SearchParseOptions(Lenient: lenient));

    private static IEnumerable<KeyValuePair<string, string>> Pairs(string query) =>
        query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p =>
        {
            var eq = p.IndexOf('=');
            return new KeyValuePair<string, string>(Uri.UnescapeDataString(p[..eq]), Uri.UnescapeDataString(p[(eq + 1)..]));
        });

    private static SearchCriterion Single(string type, string query)
    {
        var parsed = Parse(type, query);
        Assert.That(parsed.Issues, Is.Empty, string.Join("; ", parsed.Issues.Select(i => i.Message)));
        return parsed.Criteria.Single();
    }

    [Test]
    public void Repeated_parameters_are_anded_and_commas_ored()
    {
        var query = Parse("Patient", "family=smith,jones&given=ann");
        Assert.That(query.Criteria, Has.Count.EqualTo(2));
        Assert.That(query.Criteria[0].Values, Is.EqualTo(new SearchValue[] { new StringSearchValue("smith", "smith"), new StringSearchValue("jones", "jones") }));
    }

    [Test]
    public void String_modifiers_and_escaped_comma()
    {
        var exact = Single("Patient", "name:exact=Mejía");
        Assert.That(exact.Modifier, Is.EqualTo(SearchModifier.Exact));
        Assert.That(exact.Values.Single(), Is.EqualTo(new StringSearchValue("Mejía", "mejia")));
        Assert.That(Single("Patient", "name:contains=ej").Modifier, Is.EqualTo(SearchModifier.Contains));
        Assert.That(Single("Patient", @"name=a\,b").Values.Single(), Is.EqualTo(new StringSearchValue("a,b", "a,b")));
    }

    [Test]
    public void Token_forms()
    {
        var values = Single("Observation", "code=http://loinc.org|1234,|nosys,justcode,http://snomed.info/sct|").Values;
        Assert.That(values, Is.EqualTo(new SearchValue[]
        {
            new TokenSearchValue(TokenSystemMatch.Exact, "http://loinc.org", "1234"),
            new TokenSearchValue(TokenSystemMatch.None, null, "nosys"),
            new TokenSearchValue(TokenSystemMatch.Any, null, "justcode"),
            new TokenSearchValue(TokenSystemMatch.Exact, "http://snomed.info/sct", null),
        }));
    }

    [Test]
    public void Token_modifiers_text_not_of_type()
    {
        Assert.That(Single("Observation", "code:text=Blood%20Pressure").Values.Single(), Is.EqualTo(new StringSearchValue("Blood Pressure", "blood pressure")));
        Assert.That(Single("Observation", "status:not=final").Modifier, Is.EqualTo(SearchModifier.Not));
        var ofType = Single("Patient", "identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|MRN-1");
        Assert.That(ofType.Values.Single(), Is.EqualTo(new TokenSearchValue(TokenSystemMatch.Any, null, "MRN-1", "http://terminology.hl7.org/CodeSystem/v2-0203", "MR")));
    }

    [Test]
    public void Date_prefixes_and_partial_ranges()
    {
        var query = Parse("Patient", "birthdate=ge2020-03&birthdate=lt2021");
        Assert.That(query.Issues, Is.Empty);
        Assert.That(query.Criteria, Has.Count.EqualTo(2));
        var start = (DateSearchValue)query.Criteria[0].Values.Single();
        Assert.That(start.Prefix, Is.EqualTo(SearchPrefix.Ge));
        Assert.That(start.Start, Is.EqualTo(new DateTimeOffset(2020, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(start.End, Is.EqualTo(new DateTimeOffset(2020, 4, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [TestCase("eq", SearchPrefix.Eq)]
    [TestCase("ne", SearchPrefix.Ne)]
    [TestCase("gt", SearchPrefix.Gt)]
    [TestCase("lt", SearchPrefix.Lt)]
    [TestCase("ge", SearchPrefix.Ge)]
    [TestCase("le", SearchPrefix.Le)]
    [TestCase("sa", SearchPrefix.Sa)]
    [TestCase("eb", SearchPrefix.Eb)]
    [TestCase("ap", SearchPrefix.Ap)]
    public void Every_prefix(string text, SearchPrefix prefix) =>
        Assert.That(((DateSearchValue)Single("Observation", $"date={text}2020").Values.Single()).Prefix, Is.EqualTo(prefix));

    [Test]
    public void Number_and_quantity_with_precision()
    {
        Assert.That(Single("RiskAssessment", "probability=gt0.8").Values.Single(), Is.EqualTo(new NumberSearchValue(SearchPrefix.Gt, 0.8m, 0.75m, 0.85m)));
        Assert.That(Single("Observation", "value-quantity=le5.4|http://unitsofmeasure.org|mg").Values.Single(),
            Is.EqualTo(new QuantitySearchValue(SearchPrefix.Le, 5.4m, 5.35m, 5.45m, "http://unitsofmeasure.org", "mg")));
        Assert.That(Single("Observation", "value-quantity=100||mg").Values.Single(),
            Is.EqualTo(new QuantitySearchValue(SearchPrefix.Eq, 100m, 99.5m, 100.5m, null, "mg")));
        Assert.That(Single("Observation", "value-quantity=100").Values.Single(),
            Is.EqualTo(new QuantitySearchValue(SearchPrefix.Eq, 100m, 99.5m, 100.5m, null, null)));
    }

    [Test]
    public void Reference_forms()
    {
        Assert.That(Single("Observation", "subject=Patient/123").Values.Single(), Is.EqualTo(new ReferenceSearchValue("Patient", "123", null)));
        Assert.That(Single("Observation", "subject=123").Values.Single(), Is.EqualTo(new ReferenceSearchValue(null, "123", null)));
        Assert.That(Single("Observation", "encounter=e1").Values.Single(), Is.EqualTo(new ReferenceSearchValue("Encounter", "e1", null)));
        var typed = Single("Observation", "subject:Patient=123");
        Assert.That(typed.Modifier, Is.EqualTo(SearchModifier.Type));
        Assert.That(typed.Values.Single(), Is.EqualTo(new ReferenceSearchValue("Patient", "123", null)));
        Assert.That(Single("Observation", "subject=https://other.example/fhir/Patient/9").Values.Single(),
            Is.EqualTo(new ReferenceSearchValue(null, null, "https://other.example/fhir/Patient/9")));
        Assert.That(Single("QuestionnaireResponse", "questionnaire=https://interop.example/Questionnaire/q|2").Values.Single(),
            Is.EqualTo(new ReferenceSearchValue(null, null, "https://interop.example/Questionnaire/q", "2")));
        Assert.That(Single("Observation", "subject:identifier=https://fhir.nhs.uk/Id/nhs-number|9434765919").Values.Single(),
            Is.EqualTo(new ReferenceSearchValue(null, null, null, IdentifierSystem: "https://fhir.nhs.uk/Id/nhs-number", IdentifierValue: "9434765919")));
    }

    [Test]
    public void Uri_above_below_and_missing()
    {
        var below = Single("ValueSet", "url:below=https://interop.example/ValueSet");
        Assert.That(below.Modifier, Is.EqualTo(SearchModifier.Below));
        Assert.That(below.Values.Single(), Is.EqualTo(new UriSearchValue("https://interop.example/ValueSet")));
        Assert.That(Single("Patient", "birthdate:missing=true").Values.Single(), Is.EqualTo(new MissingSearchValue(true)));
    }

    [Test]
    public void Composite_value()
    {
        var criterion = Single("Observation", "component-code-value-quantity=http://loinc.org|8480-6$gt140");
        var composite = (CompositeSearchValue)criterion.Values.Single();
        Assert.That(composite.Components[0], Is.EqualTo(new TokenSearchValue(TokenSystemMatch.Exact, "http://loinc.org", "8480-6")));
        Assert.That(((QuantitySearchValue)composite.Components[1]).Prefix, Is.EqualTo(SearchPrefix.Gt));
    }

    [Test]
    public void Chain_with_type_and_several_levels()
    {
        var criterion = Single("Observation", "subject:Patient.general-practitioner:Organization.name=Leeds");
        Assert.That(criterion.Path, Has.Count.EqualTo(2));
        var first = (ForwardChainLink)criterion.Path[0];
        Assert.That(first.ReferenceParameter.Code, Is.EqualTo("subject"));
        Assert.That(first.TargetTypes, Is.EqualTo(new[] { "Patient" }));
        Assert.That(((ForwardChainLink)criterion.Path[1]).TargetTypes, Is.EqualTo(new[] { "Organization" }));
        Assert.That(criterion.Parameter.Code, Is.EqualTo("name"));
        Assert.That(criterion.ParameterResourceTypes, Is.EqualTo(new[] { "Organization" }));
    }

    [Test]
    public void Chain_without_type_uses_the_targets_that_have_the_parameter()
    {
        // Observation.subject targets Device, Group, Location, Patient; only Patient has birthdate.
        var criterion = Single("Observation", "subject.birthdate=1970");
        Assert.That(((ForwardChainLink)criterion.Path[0]).TargetTypes, Is.EqualTo(new[] { "Patient" }));
        // name exists on Device (string), Group, Location and Patient: all string, so all kept.
        var name = Single("Observation", "subject.name=peter");
        Assert.That(((ForwardChainLink)name.Path[0]).TargetTypes, Has.Count.GreaterThan(1));
    }

    [Test]
    public void Reverse_chain_nested()
    {
        var criterion = Single("Patient", "_has:Observation:patient:_has:AuditEvent:entity:agent=dr1");
        Assert.That(criterion.Path, Has.Count.EqualTo(2));
        Assert.That(criterion.Path[0], Is.EqualTo(new ReverseChainLink("Observation", criterion.Path.OfType<ReverseChainLink>().First().ReferenceParameter)));
        Assert.That(((ReverseChainLink)criterion.Path[1]).SourceType, Is.EqualTo("AuditEvent"));
        Assert.That(criterion.Parameter.Code, Is.EqualTo("agent"));
        var simple = Single("Patient", "_has:Observation:patient:code=1234-5");
        Assert.That(simple.Values.Single(), Is.EqualTo(new TokenSearchValue(TokenSystemMatch.Any, null, "1234-5")));
    }

    [Test]
    public void Includes_and_revincludes()
    {
        var query = Parse("Observation", "_include=Observation:subject:Patient&_include:iterate=Patient:general-practitioner&_revinclude=Provenance:target&_include=*");
        Assert.That(query.Issues, Is.Empty);
        Assert.That(query.Includes, Has.Count.EqualTo(3));
        Assert.That(query.Includes[0].TargetType, Is.EqualTo("Patient"));
        Assert.That(query.Includes[1].Iterate, Is.True);
        Assert.That(query.Includes[2].Wildcard, Is.True);
        Assert.That(query.RevIncludes.Single().Parameter!.Code, Is.EqualTo("target"));
    }

    [Test]
    public void Sort_count_total_summary_elements_contained_page()
    {
        var query = Parse("Observation", "_sort=-date,_id,code&_count=50&_total=accurate&_summary=data&_elements=status,code&_contained=both&_containedType=contained&_page=abc123&_format=json&_pretty=true");
        Assert.That(query.Issues, Is.Empty);
        Assert.That(query.Sort.Select(s => (s.Parameter.Code, s.Descending)), Is.EqualTo(new[] { ("date", true), ("_id", false), ("code", false) }));
        Assert.That(query.Count, Is.EqualTo(50));
        Assert.That(query.Total, Is.EqualTo(TotalMode.Accurate));
        Assert.That(query.Summary, Is.EqualTo(SummaryMode.Data));
        Assert.That(query.Elements, Is.EqualTo(new[] { "status", "code" }));
        Assert.That(query.Contained, Is.EqualTo(ContainedMode.Both));
        Assert.That(query.ContainedType, Is.EqualTo(ContainedTypeMode.Contained));
        Assert.That(query.PageToken, Is.EqualTo("abc123"));
    }

    [Test]
    public void Count_defaults_and_clamps_with_a_warning()
    {
        Assert.That(Parse("Patient", "").Count, Is.EqualTo(20));
        var big = Parse("Patient", "_count=5000");
        Assert.That(big.Count, Is.EqualTo(1000));
        Assert.That(big.HasErrors, Is.False);
        Assert.That(big.Issues.Single().Severity, Is.EqualTo(SearchIssueSeverity.Warning));
    }

    [Test]
    public void System_level_search_uses_parameters_common_to_the_types()
    {
        var query = Parse(null, "_type=Patient,Practitioner&name=smith&_lastUpdated=gt2024");
        Assert.That(query.Issues, Is.Empty);
        Assert.That(query.IsSystemLevel, Is.True);
        Assert.That(query.ResourceTypes, Is.EqualTo(new[] { "Patient", "Practitioner" }));
        Assert.That(query.Criteria, Has.Count.EqualTo(2));
        Assert.That(Parse(null, "_type=Patient,Observation&name=smith").HasErrors, Is.True);
        Assert.That(Parse(null, "_id=1").Issues, Is.Empty);
    }

    [Test]
    public void Empty_values_are_ignored() => Assert.That(Parse("Patient", "name=&_count=").Criteria, Is.Empty);

    [TestCase("Patient", "nosuch=1", "Unknown search parameter")]
    [TestCase("Patient", "name:nosuch=x", "Unknown modifier")]
    [TestCase("Patient", "birthdate:exact=2020", "cannot be used")]
    [TestCase("Patient", "birthdate=xx2020", "Unknown prefix")]
    [TestCase("Patient", "birthdate=2020-13", "not a FHIR date")]
    [TestCase("RiskAssessment", "probability=1.2.3", "not a number")]
    [TestCase("Observation", "value-quantity=5|a", "not a quantity")]
    [TestCase("Observation", "code=a|b|c", "too many")]
    [TestCase("Observation", "code=|", "system or a code")]
    [TestCase("Observation", "code:in=http://x/vs", "terminology")]
    [TestCase("Observation", "code:below=123", "terminology")]
    [TestCase("Patient", "identifier:of-type=x|y", "of-type")]
    [TestCase("Patient", "active:missing=maybe", ":missing")]
    [TestCase("Observation", "subject=Medication/1", "cannot refer")]
    [TestCase("Observation", "subject=Foo/1", "not an R4 resource type")]
    [TestCase("Observation", "subject:Patient=Group/1", "does not match")]
    [TestCase("Observation", "subject:Medication=1", "not a target type")]
    [TestCase("Observation", "subject=#c1", "Contained")]
    [TestCase("Observation", "subject=not an id", "not a resource id")]
    [TestCase("Observation", "status.name=x", "cannot be chained")]
    [TestCase("Observation", "subject:Patient.nosuch=x", "Unknown search parameter")]
    [TestCase("Observation", "subject.nosuch=x", "No target type")]
    [TestCase("Patient", "_has:Observation:code:status=final", "not a reference parameter")]
    [TestCase("Patient", "_has:Nope:patient:code=1", "not an R4 resource type")]
    [TestCase("Patient", "_has:Observation:patient=x", "_has needs")]
    [TestCase("Patient", "_has:Observation:encounter:code=1", "does not refer")]
    [TestCase("Observation", "component-code-value-quantity=http://loinc.org|8480-6", "joined by '$'")]
    [TestCase("Patient", "_include=Observation:subject", "_include must start")]
    [TestCase("Patient", "_include=Patient:name", "not a reference parameter")]
    [TestCase("Patient", "_include=Patient:general-practitioner:Device", "not a target type")]
    [TestCase("Patient", "_include:nosuch=Patient:link", "Unknown modifier")]
    [TestCase("Patient", "_include=Patient", "not of the form")]
    [TestCase("Patient", "_revinclude=Observation:encounter", "never refers")]
    [TestCase("Patient", "_sort=nosuch", "Unknown search parameter")]
    [TestCase("Observation", "_sort=code-value-quantity", "Cannot sort")]
    [TestCase("Patient", "_count=-1", "_count")]
    [TestCase("Patient", "_count=1&_count=2", "only once")]
    [TestCase("Patient", "_total=all", "not one of")]
    [TestCase("Patient", "_summary=yes", "not one of")]
    [TestCase("Patient", "_contained=maybe", "not one of")]
    [TestCase("Patient", "_containedType=x", "not one of")]
    [TestCase("Patient", "_elements=1bad", "_elements")]
    [TestCase("Patient", "_type=Patient", "system-level")]
    [TestCase("Patient", "_text=x", "not supported")]
    [TestCase("Patient", "_content=x", "not supported")]
    [TestCase("Location", "near=1|2|3|km", "not supported")]
    public void Strict_errors(string type, string query, string message)
    {
        var parsed = Parse(type, query);
        Assert.That(parsed.HasErrors, Is.True);
        Assert.That(parsed.Issues.Select(i => i.Message), Has.Some.Contains(message));
    }

    [Test]
    public void System_level_errors()
    {
        Assert.That(Parse(null, "_type=Nope").Issues.Single().Message, Does.Contain("not an R4 resource type"));
        Assert.That(Parse(null, "name=x").Issues.Single().Message, Does.Contain("without _type"));
        Assert.That(Parse("Nope", "").HasErrors, Is.True);
    }

    [Test]
    public void Every_problem_is_collected()
    {
        var parsed = Parse("Patient", "nosuch=1&birthdate=xx1&gender:foo=f&_count=abc");
        Assert.That(parsed.Issues, Has.Count.EqualTo(4));
        Assert.That(parsed.Criteria, Is.Empty);
    }

    [Test]
    public void Lenient_turns_errors_into_warnings_and_drops_the_parameter()
    {
        var parsed = Parse("Patient", "nosuch=1&birthdate=xx1&family=smith", lenient: true);
        Assert.That(parsed.HasErrors, Is.False);
        Assert.That(parsed.Issues.Select(i => i.Severity), Is.EqualTo(new[] { SearchIssueSeverity.Warning, SearchIssueSeverity.Warning }));
        Assert.That(parsed.Criteria.Single().Parameter.Code, Is.EqualTo("family"));
        Assert.That(Parse("Nope", "", lenient: true).HasErrors, Is.True, "an unknown resource type is always an error");
    }

    [Test]
    public void Custom_parameters_are_validated_registered_listed_and_indexed()
    {
        var registry = new SearchParameterRegistry();
        var bad = new SearchParameter
        {
            Code = "bad", Base = [ResourceType.Patient], Type = SearchParamType.Token, Expression = "Patient.name.where(",
        };
        Assert.That(registry.AddCustom(bad), Has.Some.Contains("does not compile"));
        Assert.That(registry.AddCustom(new SearchParameter { Code = "x" }), Has.Count.GreaterThanOrEqualTo(3));

        var good = new SearchParameter
        {
            Url = "https://interop.example/SearchParameter/patient-nhs-verification",
            Code = "nhs-verification",
            Base = [ResourceType.Patient],
            Type = SearchParamType.Token,
            Expression = "Patient.identifier.extension.where(url = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus').value",
        };
        var version = registry.Version;
        Assert.That(registry.AddCustom(good), Is.Empty);
        Assert.That(registry.Version, Is.GreaterThan(version));
        Assert.That(registry.CustomParameters.Single().Code, Is.EqualTo("nhs-verification"));
        Assert.That(registry.AddCustom(new SearchParameter
        {
            Code = "name", Base = [ResourceType.Patient], Type = SearchParamType.String, Expression = "Patient.name",
        }), Has.Some.Contains("already defined"));

        var patient = new Patient { Identifier = [new Identifier(Interop.Core.Known.KnownSystems.NhsNumber, "9434765919")] };
        patient.Identifier[0].Extension.Add(new Extension(Interop.Core.Known.KnownSystems.UkCoreNhsNumberVerificationStatusExtension,
            new CodeableConcept(Interop.Core.Known.KnownSystems.UkCoreNhsNumberVerificationStatusEngland, "01")));
        var indexer = new SearchIndexer(registry);
        Assert.That(indexer.Extract(patient).OfType<TokenIndexEntry>().Single(e => e.ParamName == "nhs-verification").Code, Is.EqualTo("01"));
        Assert.That(new SearchQueryParser(registry).Parse("Patient", [new("nhs-verification", "01")], SearchParseOptions.Strict).Issues, Is.Empty);
    }
}
