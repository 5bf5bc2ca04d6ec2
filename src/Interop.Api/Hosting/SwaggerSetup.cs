namespace Interop.Api.Hosting;

/// <summary>Swagger UI at /swagger documenting the FHIR interactions (Swashbuckle).</summary>
public static class SwaggerSetup
{
    public static IServiceCollection AddInteropSwagger(this IServiceCollection services)
    {
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new Microsoft.OpenApi.OpenApiInfo
            {
                Title = "Interop FHIR R4 gateway",
                Version = "v1",
                Description = "FHIR R4 REST API at /fhir, adapters at /adapters. Bodies are FHIR JSON (application/fhir+json) or XML.",
            });
        });
        return services;
    }

    public static WebApplication UseInteropSwagger(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "Interop v1");
            o.DocumentTitle = "Interop gateway";
        });
        return app;
    }
}
