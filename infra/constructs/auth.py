"""Cognito user pool and the mobile app's public client; the HTTP API validates their JWTs."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from infra import constants
from infra.nag import acknowledge


class Auth(Construct):
    """Users sign up with e-mail; the app uses SRP sign-in and short-lived access tokens."""

    def __init__(self, scope: Construct, id: str, *, profile: constants.Profile) -> None:
        super().__init__(scope, id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            # Essentials is free up to 10,000 monthly active users; Plus ($0.02 per MAU) only when asked.
            feature_plan=cognito.FeaturePlan.PLUS if profile.cognito_plus else cognito.FeaturePlan.ESSENTIALS,
            standard_threat_protection_mode=(
                cognito.StandardThreatProtectionMode.FULL_FUNCTION if profile.cognito_plus else None
            ),
            deletion_protection=profile.deletion_protection,
            removal_policy=RemovalPolicy.DESTROY if profile.destroy_on_delete else RemovalPolicy.RETAIN,
        )
        acknowledge(
            self.user_pool,
            "COG2",
            "MFA is optional (TOTP offered) for a consumer food app; a 12-character password policy with "
            "all character classes applies to every account.",
        )
        if not profile.cognito_plus:
            acknowledge(
                self.user_pool,
                "COG8",
                "The Essentials plan is free up to 10,000 monthly active users; Plus costs $0.02 per MAU "
                "(about $200 a month at 10,000 users) and is enabled with -c cognito_plus=true.",
            )
            acknowledge(
                self.user_pool,
                "COG3",
                "Threat protection (advanced security) needs the Cognito Plus plan at $0.02 per monthly "
                "active user; the Essentials plan is used unless -c cognito_plus=true is given.",
            )
        self.app_client = self.user_pool.add_client(
            "MobileApp",
            generate_secret=False,  # public client: a mobile app cannot keep a secret
            auth_flows=cognito.AuthFlow(user_srp=True),
            prevent_user_existence_errors=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            enable_token_revocation=True,
        )
