using Microsoft.Extensions.Options;

namespace Interop.Api.Hosting;

/// <summary>
/// Graceful shutdown: on SIGTERM Kestrel stops accepting connections and lets in-flight requests
/// finish, then hosted services stop (the audit writer flushes on StopAsync), all within
/// <see cref="HostingOptions.ShutdownTimeoutSeconds"/>.
/// </summary>
public static class GracefulShutdown
{
    public static IServiceCollection AddInteropShutdown(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HostingOptions>().Bind(configuration.GetSection(HostingOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        // HostOptions.ShutdownTimeout bounds both the server's drain and every hosted service's StopAsync.
        services.AddOptions<HostOptions>().Configure<IOptions<HostingOptions>>((host, hosting) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(1, hosting.Value.ShutdownTimeoutSeconds)));
        return services;
    }
}
