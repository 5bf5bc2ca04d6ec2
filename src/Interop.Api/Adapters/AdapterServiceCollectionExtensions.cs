using Interop.Adapters.Council;
using Interop.Adapters.Gp;
using Interop.Adapters.Hl7v2;
using Microsoft.Extensions.Options;

namespace Interop.Api.Adapters;

/// <summary>Registers the GP, hospital and council adapters' services, the MLLP listener and the outbox dispatcher.</summary>
public static class AdapterServiceCollectionExtensions
{
    public static IServiceCollection AddInteropAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddGpAdapter(configuration);
        services.AddCouncilAdapter(configuration);
        services.AddOptions<HospitalAdapterOptions>().Bind(configuration.GetSection(HospitalAdapterOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HospitalAdapterOptions>, HospitalAdapterOptionsValidator>();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();

        services.AddSingleton(_ => new Hl7v2ToFhirMapper());
        services.AddSingleton(sp => new Hl7v2AckBuilder(sp.GetRequiredService<TimeProvider>()));
        services.AddScoped<OrganizationEntryRewriter>();
        services.AddScoped<PatientMatchGuard>();
        services.AddScoped<AdapterBundleWriter>();
        services.AddScoped<PatientMergeApplier>();
        services.AddScoped<DischargeNotificationOutbox>();
        services.AddScoped<Hl7v2MessageIngest>();
        services.AddSingleton<GpRecordRefresher>();
        services.AddSingleton<Operations.IGpRecordRefresh, GpSummaryRefresh>();

        services.AddSingleton<MllpListenerService>();
        services.AddHostedService(sp => sp.GetRequiredService<MllpListenerService>());
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
