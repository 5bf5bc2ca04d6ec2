using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Fhir;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Interop.Api.Hosting;

/// <summary>
/// Swagger UI at /swagger documenting the FHIR interactions (Swashbuckle), with example FHIR
/// bodies and an Authorize button for bearer tokens.
/// </summary>
public static class SwaggerSetup
{
    public static IServiceCollection AddInteropSwagger(this IServiceCollection services)
    {
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Interop FHIR R4 gateway",
                Version = "v1",
                Description = """
                    FHIR R4 REST API at /fhir and partner adapters at /adapters. Bodies are FHIR JSON (application/fhir+json)
                    or XML (application/fhir+xml); errors are OperationOutcomes. Every call except /fhir/metadata,
                    /.well-known/smart-configuration and the health checks needs a bearer token (JWT, SMART on FHIR scopes,
                    claims org/role/purpose_of_use). In Development, POST /dev/token returns one: paste it into Authorize.
                    """,
            });
            o.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from your identity provider (or, in Development, from POST /dev/token or the token verb).",
            });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference("Bearer", document)] = [],
            });
            o.OperationFilter<FhirBodyExamples>();
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

    /// <summary>Adds FHIR request bodies with an example to create/update, since minimal-API handlers read the body themselves.</summary>
    private sealed class FhirBodyExamples : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var interaction = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<FhirInteractionMetadata>().FirstOrDefault()?.Interaction;
            if (interaction is not (FhirInteraction.Create or FhirInteraction.Update)) return;
            var example = JsonNode.Parse(FhirSerialization.ToJson(ExamplePatient(interaction == FhirInteraction.Update)));
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "A FHIR resource of the type in the URL (the example is a Patient).",
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/fhir+json"] = new OpenApiMediaType { Example = example },
                    ["application/fhir+xml"] = new OpenApiMediaType(),
                },
            };
        }

        private static Patient ExamplePatient(bool withId) => new()
        {
            Id = withId ? "example-patient" : null,
            Identifier = [new Identifier("https://fhir.nhs.uk/Id/nhs-number", "9990000042")],
            Name = [new HumanName { Family = "Example", Given = ["Sam"] }],
            Gender = AdministrativeGender.Unknown,
            BirthDate = "1980-01-01",
            Address = [new Address { City = "Liverpool", PostalCode = "L1 8JQ" }],
        };
    }
}
