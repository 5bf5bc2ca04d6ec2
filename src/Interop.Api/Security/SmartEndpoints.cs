using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Access;
using Microsoft.Extensions.Options;

namespace Interop.Api.Security;

/// <summary>
/// <c>/.well-known/smart-configuration</c> (SMART App Launch 2.0 conformance), the CapabilityStatement's
/// <c>rest.security</c>, and in Development a token endpoint for Swagger UI.
/// </summary>
public static class SmartEndpoints
{
    public static IEndpointRouteBuilder MapSmart(this IEndpointRouteBuilder app, IHostEnvironment env)
    {
        app.MapGet("/.well-known/smart-configuration", (IOptions<AuthOptions> auth) =>
        {
            var authority = auth.Value.Authority?.TrimEnd('/');
            return Results.Json(new Dictionary<string, object?>
            {
                ["issuer"] = auth.Value.Issuer,
                ["jwks_uri"] = authority is null ? null : $"{authority}/.well-known/jwks.json",
                ["authorization_endpoint"] = authority is null ? null : $"{authority}/authorize",
                ["token_endpoint"] = authority is null ? null : $"{authority}/token",
                ["grant_types_supported"] = new[] { "authorization_code", "client_credentials" },
                ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt", "client_secret_basic" },
                ["scopes_supported"] = new[] { "openid", "fhirUser", "patient/*.rs", "user/*.rs", "user/*.cruds", "system/*.cruds", "patient/*.read", "user/*.read", "user/*.write", "system/*.read" },
                ["capabilities"] = new[] { "client-confidential-asymmetric", "permission-v1", "permission-v2", "permission-patient", "permission-user", "context-standalone-patient" },
                ["code_challenge_methods_supported"] = new[] { "S256" },
            }, contentType: "application/json");
        }).AllowAnonymous().WithTags("SMART").WithSummary("SMART on FHIR configuration");

        if (env.IsDevelopment())
        {
            app.MapPost("/dev/token", (DevTokenIssuer issuer, string org, string role, string scope, string? patient, string? purpose) =>
                    Results.Text(issuer.Issue(new DevTokenIssuer.Request(org, role, scope, patient, purpose)), "text/plain"))
                .AllowAnonymous().WithTags("Development")
                .WithSummary("Development only: a token signed with the development key. Paste it into Authorize.");
        }
        return app;
    }

    /// <summary>Describes SMART in the generated CapabilityStatement (rest.security).</summary>
    public static CapabilityContribution Capability(string? authority) => new(Rest: rest =>
    {
        var security = new CapabilityStatement.SecurityComponent
        {
            Cors = true,
            Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
            Description = "JWT bearer tokens with SMART on FHIR v1/v2 scopes; claims org (ODS code), role, purpose_of_use, patient. See /.well-known/smart-configuration.",
        };
        if (authority is not null)
        {
            var oauth = new Extension { Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris" };
            oauth.Extension.Add(new Extension("token", new FhirUri($"{authority.TrimEnd('/')}/token")));
            oauth.Extension.Add(new Extension("authorize", new FhirUri($"{authority.TrimEnd('/')}/authorize")));
            security.Extension.Add(oauth);
        }
        rest.Security = security;
    });
}
