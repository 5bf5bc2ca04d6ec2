using Interop.Api.Fhir;
using Interop.Api.Security;
using Interop.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Interop.Api.Hosting;

/// <summary>Service registration and the request pipeline, in the order requests flow.</summary>
public static class InteropHostExtensions
{
    public static WebApplicationBuilder AddInteropServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<FhirOptions>().Bind(configuration.GetSection(FhirOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        var maxBody = configuration.GetSection(FhirOptions.SectionName).Get<FhirOptions>()?.MaxBodyBytes ?? new FhirOptions().MaxBodyBytes;
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = maxBody + 1);

        services.AddInteropStorage(configuration);
        services.AddHostedService<StartupTasks>();
        services.AddSingleton<FhirRequestBody>();
        services.AddScoped<ConditionalResolver>();
        services.AddScoped<BundleProcessor>();
        services.AddScoped<DemoDataSeeder>();
        services.AddScoped<Import.ImportJournal>();
        services.AddScoped<Import.ImportWriter>();
        services.AddScoped<Import.BulkImporter>();

        services.AddProblemDetails();
        services.AddExceptionHandler<FhirExceptionHandler>();
        services.AddSingleton<FhirExceptionHandler>();
        services.AddInteropSecurity(configuration);
        services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>("database", tags: ["ready"]);
        services.AddEndpointsApiExplorer();
        services.AddInteropSwagger();
        return builder;
    }

    public static WebApplication UseInteropPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseInteropSwagger();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<RequestContextMiddleware>();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapSmart(app.Environment);
        var authority = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Authority;
        app.MapFhir()
            .RequireAuthorization()
            .AddEndpointFilter<ScopeFilter>()
            .WithMetadata(SmartEndpoints.Capability(authority));
        return app;
    }
}
