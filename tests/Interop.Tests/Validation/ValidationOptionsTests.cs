using Interop.Core.Validation;
using Microsoft.Extensions.Configuration;
using NUnit.Framework;

namespace Interop.Tests.Validation;

[TestFixture]
public class ValidationOptionsTests
{
    [Test]
    public void DefaultsEnforceEveryType()
    {
        var options = new ValidationOptions();

        Assert.That(options.ModeFor("Patient"), Is.EqualTo(ValidationMode.Enforce));
        Assert.That(options.ModeFor("Observation"), Is.EqualTo(ValidationMode.Enforce));
    }

    [Test]
    public void BindsFromTheValidationSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Validation:DefaultMode"] = "Warn",
            ["Validation:ResourceTypes:AuditEvent"] = "Off",
            ["Validation:ResourceTypes:Patient"] = "Enforce",
        }).Build();

        var options = configuration.GetSection(ValidationOptions.SectionName).Get<ValidationOptions>()!;

        Assert.That(options.ModeFor("Observation"), Is.EqualTo(ValidationMode.Warn));
        Assert.That(options.ModeFor("AuditEvent"), Is.EqualTo(ValidationMode.Off));
        Assert.That(options.ModeFor("Patient"), Is.EqualTo(ValidationMode.Enforce));
        Assert.That(options.FindProblems(), Is.Empty);
    }

    [Test]
    public void UnknownResourceTypeIsAStartUpProblem()
    {
        var options = new ValidationOptions { ResourceTypes = { ["Patinet"] = ValidationMode.Off } };

        Assert.That(options.FindProblems(), Has.Count.EqualTo(1).And.Some.Contains("Patinet"));
    }
}
