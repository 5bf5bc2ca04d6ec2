using Interop.Adapters.Gp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Interop.Tests.Gp;

[TestFixture]
public class GpAdapterOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddGpAdapter(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [Test]
    public void BindsPracticesAndDefaults()
    {
        using var services = Services(new() { ["Adapters:Gp:Practices:N82054:BaseUrl"] = "https://gp.example/api" });

        var options = services.GetRequiredService<IOptions<GpAdapterOptions>>().Value;

        Assert.That(options.Practices["n82054"].BaseUrl, Is.EqualTo("https://gp.example/api"));
        Assert.That(options.Freshness, Is.EqualTo(TimeSpan.FromMinutes(15)));
        Assert.That(options.TotalTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void EveryBadSettingIsReportedAtStartUp()
    {
        using var services = Services(new()
        {
            ["Adapters:Gp:Practices:N82054:BaseUrl"] = "ftp://gp.example/api",
            ["Adapters:Gp:Practices:Y01234:BaseUrl"] = "gp.example/api",
            ["Adapters:Gp:AttemptTimeout"] = "00:00:05",
            ["Adapters:Gp:TotalTimeout"] = "00:00:02",
        });

        // What ValidateOnStart runs when the host starts. The resilience pipeline's own options are validated at
        // start too and read ours, so the failures may arrive wrapped in an AggregateException.
        var startup = services.GetRequiredService<IStartupValidator>();
        var error = Assert.Catch(startup.Validate)!;
        var failures = (error is AggregateException all ? all.Flatten().InnerExceptions : [error])
            .OfType<OptionsValidationException>().SelectMany(e => e.Failures).Distinct().ToList();

        Assert.That(failures, Has.Some.Contains("Adapters:Gp:Practices:N82054:BaseUrl"));
        Assert.That(failures, Has.Some.Contains("Adapters:Gp:Practices:Y01234:BaseUrl"));
        Assert.That(failures, Has.Some.Contains("TotalTimeout"));
    }

    [Test]
    public void ValidSettingsPassStartUp()
    {
        using var services = Services(new() { ["Adapters:Gp:Practices:N82054:BaseUrl"] = "http://127.0.0.1:5099/gp" });

        Assert.DoesNotThrow(services.GetRequiredService<IStartupValidator>().Validate);
    }
}
