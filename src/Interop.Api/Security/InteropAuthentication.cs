using System.Text;
using Hl7.Fhir.Model;
using Interop.Api.Fhir;
using Interop.Core.Access;
using Interop.Core.Fhir;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Task = System.Threading.Tasks.Task;

namespace Interop.Api.Security;

/// <summary>
/// JWT bearer authentication (HS256 with Auth:SigningKey, or an OpenID Connect authority's JWKS),
/// SMART on FHIR scopes, participating organisations and roles.
/// </summary>
public static class InteropAuthentication
{
    public static IServiceCollection AddInteropSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RoleAccessTable>().Configure(t =>
        {
            // Configured roles replace the defaults role by role; unlisted roles keep their default.
            foreach (var role in configuration.GetSection(RoleAccessTable.SectionName).GetChildren())
                t.Access[role.Key] = role.Get<string[]>() ?? [];
        });
        services.AddOptions<ConsentOptions>().Bind(configuration.GetSection(ConsentOptions.SectionName)).ValidateDataAnnotations()
            .Validate<IHostEnvironment>((o, env) => o.Enforce || env.IsDevelopment(),
                "Consent:Enforce=false switches consent and audit off and is for benchmarks in Development only; the gateway will not start with it here.")
            .ValidateOnStart();
        services.AddScoped<RequestContext>();
        services.AddScoped<OrganizationRegistry>();
        services.AddSingleton<OrganizationRegistrationCache>();
        services.AddScoped<AccessGuard>();
        services.AddSingleton<DevTokenIssuer>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, IHostEnvironment>((o, auth, env) => Configure(o, auth.Value, env));
        services.AddAuthorization();
        return services;
    }

    private static void Configure(JwtBearerOptions o, AuthOptions auth, IHostEnvironment env)
    {
        o.MapInboundClaims = false;
        o.SaveToken = false;
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true, // refuses alg "none"
            ValidateIssuerSigningKey = true,
            ClockSkew = TimeSpan.FromSeconds(Math.Clamp(auth.ClockSkewSeconds, 0, 60)),
            NameClaimType = "name",
            RoleClaimType = "role",
        };
        if (!string.IsNullOrEmpty(auth.Authority))
        {
            o.Authority = auth.Authority;
            o.RequireHttpsMetadata = !env.IsDevelopment();
            parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];
        }
        else
        {
            parameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(auth.SigningKey!));
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        o.TokenValidationParameters = parameters;
        o.Events = new JwtBearerEvents
        {
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var reason = context.AuthenticateFailure switch
                {
                    null when string.IsNullOrEmpty(context.Request.Headers.Authorization) => "No bearer token was sent.",
                    null => "The bearer token could not be read.",
                    SecurityTokenExpiredException => "The token has expired.",
                    SecurityTokenInvalidAudienceException => "The token's audience is not this gateway.",
                    SecurityTokenInvalidIssuerException => "The token's issuer is not trusted.",
                    SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is invalid.",
                    SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted (unsigned tokens are refused).",
                    _ => "The token is not valid.",
                };
                var header = string.IsNullOrEmpty(context.Request.Headers.Authorization)
                    ? "Bearer"
                    : $"Bearer error=\"invalid_token\", error_description=\"{reason}\"";
                await WriteOutcomeAsync(context.HttpContext, 401, OperationOutcome.IssueType.Login, reason, FhirErrorCode.Unauthenticated,
                    new Dictionary<string, string> { ["WWW-Authenticate"] = header });
            },
            OnForbidden = context => WriteOutcomeAsync(context.HttpContext, 403, OperationOutcome.IssueType.Forbidden,
                "The token does not allow this request.", FhirErrorCode.InsufficientScope, new Dictionary<string, string>()),
        };
    }

    private static async Task WriteOutcomeAsync(HttpContext http, int status, OperationOutcome.IssueType type, string message, string code, IDictionary<string, string> headers)
    {
        var ex = new FhirException(status, Outcomes.Single(type, message, code));
        foreach (var (k, v) in headers) ex.Headers[k] = v;
        var handler = http.RequestServices.GetRequiredService<FhirExceptionHandler>();
        await handler.TryHandleAsync(http, ex, http.RequestAborted);
    }
}
